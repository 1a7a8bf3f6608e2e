/**
 * The optax contract (optax `GradientTransformation`): a transform is a pair of functions
 * `init(params) → state` and `update(grads, state, params, step) → { updates, state }` over named
 * tensors. Named optimizers are compositions of transforms (`adamw = chain(clip, scaleByAdam,
 * addDecayedWeights, scaleByLearningRate)`), not classes.
 *
 * Two departures from optax, both forced by tfjs: state lives in `tf.Variable`s created by `init`
 * and assigned in place by `update` (so memory is stable over millions of steps and the state can
 * be saved by name), and the step count is passed in by the {@link Optimizer} instead of being
 * kept by each transform (every transform of a chain advances together, so one count suffices).
 */
import type { NamedTensorMap, Scalar, Variable } from '@prefstream/core';

/**
 * A transform's state: its own slots by stable name (`adam.m/<param name>`, …) and the states of
 * the transforms it wraps (a `chain`). The names are what optimizer checkpoints are keyed by.
 */
export interface TransformState {
  readonly slots: ReadonlyMap<string, Variable>;
  readonly inner: readonly TransformState[];
}

/** What `update` returns. @owns `updates` and `stats`: new tensors, never aliases of the inputs. */
export interface UpdateResult {
  /** One update per parameter name; the optimizer adds them to the parameters. */
  readonly updates: NamedTensorMap;
  /** The same state object, its variables assigned in place. */
  readonly state: TransformState;
  /** Scalars a transform reports (`clipByGlobalNorm` reports `grad_norm`, the pre-clip norm). */
  readonly stats: Readonly<Record<string, Scalar>>;
}

/**
 * A gradient transformation in the optax style.
 *
 * `init` @borrows `params` and @owns the variables of the state it returns (free them with
 * {@link disposeState}). `update` @borrows `grads`, `state` and `params`; it is synchronous and
 * tidies its own intermediates.
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(() => 1e-3));
 * const state = opt.init(params);
 * const { updates } = opt.update(grads, state, params, 0); // add `updates` to `params`
 */
export interface GradientTransform {
  /** Short name for errors and logs (`scaleByAdam`, `chain(...)`). */
  readonly name: string;
  init(params: NamedTensorMap): TransformState;
  update(grads: NamedTensorMap, state: TransformState, params: NamedTensorMap, step: number): UpdateResult;
}

/** The state of a transform that keeps none (optax `EmptyState`). */
export function emptyState(): TransformState {
  return { slots: new Map(), inner: [] };
}

/** Every slot of `state` and of the states it wraps, by stable name. @borrows `state`. */
export function stateSlots(state: TransformState): Map<string, Variable> {
  const out = new Map<string, Variable>();
  const visit = (s: TransformState) => {
    for (const [name, variable] of s.slots) {
      if (out.has(name)) throw new Error(`optimizer state: slot "${name}" appears twice (the same transform is chained twice)`);
      out.set(name, variable);
    }
    s.inner.forEach(visit);
  };
  visit(state);
  return out;
}

/** Frees every variable of `state` (and of the states it wraps). @owns `state`. */
export function disposeState(state: TransformState): void {
  for (const variable of state.slots.values()) variable.dispose();
  state.inner.forEach(disposeState);
}

/** `stats` with no entries, for transforms that report nothing. */
export const NO_STATS: Readonly<Record<string, Scalar>> = Object.freeze({});
