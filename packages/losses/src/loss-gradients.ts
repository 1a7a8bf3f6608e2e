/**
 * The step every loss stage shares: gradients of a scalar loss w.r.t. a model's trainable
 * variables, packaged as the {@link GradientBatch} the update stage consumes.
 */
import { tf, type Batch, type GradientBatch, type NamedTensorMap, type Scalar, type Variable } from '@prefstream/core';
import { readMetrics } from './read-metrics.js';

/** What a loss function returns inside `tf.variableGrads`. */
export interface LossValue {
  readonly loss: Scalar;
  /** Scalar metrics under their logged names; read to numbers before the scope closes. */
  readonly metrics: Readonly<Record<string, Scalar>>;
}

/**
 * Gradients of `lossFn` w.r.t. `variables`, keyed by the variables' stable names (the map's keys),
 * with the loss and metrics as numbers; `rows` is the batch's row count.
 * @owns the returned gradients until a receiver (the update stage) takes them.
 * @example
 * const out = lossGradients(batch, policy.trainableVariables(), tokens, () => ({ loss, metrics: {} }));
 */
export function lossGradients(batch: Batch, variables: ReadonlyMap<string, Variable>, tokens: number, lossFn: () => LossValue): GradientBatch {
  let metrics: Record<string, number> = {};
  const { value, grads } = tf.variableGrads(() => {
    const result = lossFn();
    metrics = readMetrics(result.metrics);
    return result.loss;
  }, [...variables.values()]);
  try {
    const gradients: NamedTensorMap = {};
    for (const [name, variable] of variables) if (grads[variable.name]) gradients[name] = grads[variable.name]!;
    return { kind: 'gradients', batch, gradients, loss: value.dataSync()[0]!, rows: batch.numRows, tokens, metrics };
  } catch (error) {
    tf.dispose(grads);
    throw error;
  } finally {
    value.dispose();
  }
}

/** Real (non-padding) tokens of a packed batch's attention mask. */
export function countTokens(attentionMask: ArrayLike<number>): number {
  let tokens = 0;
  for (let i = 0; i < attentionMask.length; i++) tokens += attentionMask[i]!;
  return tokens;
}
