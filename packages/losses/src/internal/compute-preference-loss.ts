/**
 * The pure preference loss: per-example losses of one or several registered loss types over
 * named (B,) tensors, and the batch metrics under TRL's names (spec §1).
 */
import { ConfigError, DataError, parseConfig, tf, type Scalar, type Tensor1D } from '@prefstream/core';
import { LOSS_REGISTRY, LOSS_TYPES, isLossType, type LossType } from '../loss-registry.js';
import { PREFERENCE_INPUTS, type PreferenceInputName, type PreferenceInputs } from '../preference-inputs.js';
import { PreferenceLossOptions, type PreferenceLossOptionsInput } from '../preference-loss-options.js';
import { missingInput, PairTerms } from './pair-terms.js';
import { pairMetrics } from './pair-metrics.js';

/** What {@link computePreferenceLoss} returns. @owns every tensor (created in the caller's scope). */
export interface PreferenceLossResult {
  /** (B,) per-example loss Σ_k w_k·loss_k; its mean is Σ_k w_k·mean(loss_k). */
  readonly losses: Tensor1D;
  /** Scalar metrics under TRL's names; read them with `readMetrics`. */
  readonly metrics: Record<string, Scalar>;
}

/** Validates the type list and weights once (also used by the stage at build time). */
export function resolveLossTypes(type: string | readonly string[], weights: readonly number[] | undefined, where: string): LossType[] {
  const types = typeof type === 'string' ? [type] : [...type];
  if (types.length === 0) throw new ConfigError(where, 'loss type list is empty');
  for (const t of types) {
    if (!isLossType(t)) throw new ConfigError(where, `unknown loss type "${t}"; valid types: ${LOSS_TYPES.join(', ')}`);
  }
  if (weights !== undefined && weights.length !== types.length) {
    throw new ConfigError(where, `${weights.length} weights for ${types.length} loss types (${types.join(', ')})`);
  }
  return types as LossType[];
}

/** The inputs every listed loss needs under `options` (deduplicated, registry order). */
export function requiredInputs(types: readonly LossType[], options: PreferenceLossOptions): PreferenceInputName[] {
  return [...new Set(types.flatMap((t) => LOSS_REGISTRY[t].requires(options)))];
}

function checkInputs(types: readonly LossType[], inputs: PreferenceInputs, options: PreferenceLossOptions): void {
  for (const t of types) {
    const definition = LOSS_REGISTRY[t];
    const needed = definition.requires(options);
    for (const name of needed) if (inputs[name] === undefined) throw missingInput(t, name);
    // a soft label given to a pairwise loss that would ignore it is a configuration mistake
    if (inputs.preference !== undefined && needed.includes('rejectedLogps') && !definition.optional.includes('preference')) {
      const supported = LOSS_TYPES.filter((x) => LOSS_REGISTRY[x].optional.includes('preference'));
      throw new DataError({ file: `loss "${t}"`, field: 'preference', message: `this loss does not use soft labels (loss types that do: ${supported.join(', ')})` });
    }
  }
  let size: number | undefined;
  for (const [name, tensor] of Object.entries(inputs)) {
    if (tensor === undefined) continue;
    if (!(name in PREFERENCE_INPUTS)) {
      throw new DataError({ file: `loss "${types.join('+')}"`, field: name, message: `unknown input; valid inputs: ${Object.keys(PREFERENCE_INPUTS).join(', ')}` });
    }
    if (tensor.rank !== 1) throw new DataError({ file: `loss "${types.join('+')}"`, field: name, message: `expected a (B,) tensor, got shape [${tensor.shape.join(', ')}]` });
    size ??= tensor.size;
    if (tensor.size !== size) throw new DataError({ file: `loss "${types.join('+')}"`, field: name, message: `has ${tensor.size} rows, other inputs have ${size}` });
  }
}

/**
 * Per-example losses and metrics. Synchronous and differentiable: call it inside `tf.tidy`,
 * `tf.grad` or `tf.variableGrads`.
 *
 * @borrows `inputs` (never disposed here).
 * @owns the returned tensors (created in the caller's tidy scope).
 *
 * @example
 * const { losses } = tf.tidy(() => preferenceLoss('sigmoid', {
 *   chosenLogps: tf.tensor1d([-10]), rejectedLogps: tf.tensor1d([-12]),
 *   refChosenLogps: tf.tensor1d([-11]), refRejectedLogps: tf.tensor1d([-11.5]),
 * }, { beta: 0.1 }));   // losses ≈ [0.6209570]
 */
export function computePreferenceLoss(
  type: LossType | readonly LossType[],
  inputs: PreferenceInputs,
  options: PreferenceLossOptionsInput = {},
): PreferenceLossResult {
  const where = `preferenceLoss(${typeof type === 'string' ? type : type.join('+')})`;
  const parsed = parseConfig(PreferenceLossOptions, options, where);
  const types = resolveLossTypes(type, parsed.weights, where);
  checkInputs(types, inputs, parsed);

  const metrics: Record<string, Scalar> = {};
  let total: Tensor1D | undefined;
  types.forEach((t, k) => {
    const definition = LOSS_REGISTRY[t];
    const terms = new PairTerms(t, inputs, parsed.referenceFree);
    const weight = parsed.weights?.[k] ?? 1;
    const loss = definition.compute(terms, parsed); // (B,)
    const weighted = weight === 1 ? loss : (tf.mul(loss, weight) as Tensor1D);
    total = total === undefined ? weighted : (tf.add(total, weighted) as Tensor1D);
    if (types.length > 1) metrics[`loss/${t}`] = tf.mean(loss);
    Object.assign(metrics, definition.metrics?.(terms, parsed));
  });
  const first = LOSS_REGISTRY[types[0]!];
  Object.assign(metrics, pairMetrics(inputs, first.rewardScale(parsed), parsed.referenceFree));
  return { losses: total!, metrics };
}
