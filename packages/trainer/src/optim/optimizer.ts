/**
 * An optimizer bound to a model's variables: a gradient transform, its state, the schedule and the
 * count of applied updates. This is what the update stage steps and what checkpoints save.
 */
import { tf, type NamedTensorMap, type Variable } from '@prefstream/core';
import { disposeState, type GradientTransform, type TransformState } from './gradient-transform.js';
import { optimizerTransform } from './named-optimizers.js';
import { OptimizerConfig, type OptimizerConfigInput } from './optimizer-config.js';
import { makeSchedule, type Schedule } from './schedules.js';

/** What one applied update reports. */
export interface StepReport {
  /** The learning rate this update used (schedule at the pre-update step). */
  readonly learningRate: number;
  /** The transforms' scalar stats (`grad_norm` when clipping), read back as numbers. */
  readonly stats: Readonly<Record<string, number>>;
}

/**
 * A named optimizer bound to a model's variables ({@link createOptimizer}); stepped by
 * `applyUpdates`, saved by {@link optimizerState}. @owns its state slots; @borrows the variables.
 */
export interface Optimizer {
  readonly config: OptimizerConfig;
  readonly transform: GradientTransform;
  /** @owns the slot variables (freed by `dispose`). */
  readonly state: TransformState;
  /** @borrows the model's variables, by stable name; `apply` assigns them. */
  readonly variables: ReadonlyMap<string, Variable>;
  readonly schedule: Schedule;
  /** Updates applied so far (0 before the first). Set by `restoreOptimizerState`. */
  step: number;
  /**
   * One update: `p ← p + transform(grads)` for every variable in `grads`, then `step += 1`.
   * A variable without a gradient (the loss does not reach it; `tf.variableGrads` omits it) is left
   * untouched — no update, no decay — as torch optimizers skip parameters whose `.grad` is None;
   * unlike torch's per-parameter step, the Adam bias correction uses the shared `step`.
   * @borrows `grads` (variable name → tensor of the variable's shape; the caller disposes them).
   */
  apply(grads: NamedTensorMap): StepReport;
  /** Frees the state; the model's variables are untouched. */
  dispose(): void;
}

/**
 * Binds a named optimizer to `variables`.
 *
 * @example
 * const opt = createOptimizer({ name: 'adamw', learningRate: 1e-3 }, model.trainableVariables());
 * const { learningRate } = opt.apply(grads); // grads: name → tensor
 * opt.dispose();
 */
export function createOptimizer(config: OptimizerConfigInput, variables: ReadonlyMap<string, Variable>): Optimizer {
  const parsed = OptimizerConfig.parse(config);
  if (variables.size === 0) throw new Error('createOptimizer: the model has no trainable variables');
  for (const [name, variable] of variables) {
    if (variable.dtype !== 'float32') throw new Error(`createOptimizer: variable "${name}" is ${variable.dtype}; only float32 variables can be trained`);
  }
  const transform = optimizerTransform(parsed);
  const schedule = makeSchedule(parsed.schedule, parsed.learningRate);
  const params: NamedTensorMap = Object.fromEntries(variables);
  const state = transform.init(params);
  let disposed = false;

  const optimizer: Optimizer = {
    config: parsed,
    transform,
    state,
    variables,
    schedule,
    step: 0,
    apply(grads) {
      if (disposed) throw new Error('optimizer: apply after dispose');
      checkGrads(grads, variables);
      const learningRate = schedule(optimizer.step);
      const stats = tf.tidy(() => {
        const result = transform.update(grads, state, params, optimizer.step);
        for (const name of Object.keys(grads)) {
          const variable = variables.get(name)!;
          variable.assign(tf.add(variable, result.updates[name]!));
        }
        return result.stats;
      });
      const read: Record<string, number> = {};
      for (const [key, scalar] of Object.entries(stats)) read[key] = scalar.dataSync()[0]!;
      tf.dispose(stats);
      optimizer.step += 1;
      return { learningRate, stats: read };
    },
    dispose() {
      if (!disposed) disposeState(state);
      disposed = true;
    },
  };
  return optimizer;
}

function checkGrads(grads: NamedTensorMap, variables: ReadonlyMap<string, Variable>): void {
  const names = Object.keys(grads);
  if (names.length === 0) throw new Error('optimizer: no gradients');
  for (const name of names) {
    const variable = variables.get(name);
    if (!variable) throw new Error(`optimizer: gradient "${name}" matches no trainable variable`);
    if (!tf.util.arraysEqual(grads[name]!.shape, variable.shape)) {
      throw new Error(`optimizer: gradient "${name}" has shape [${grads[name]!.shape}], variable has [${variable.shape}]`);
    }
  }
}
