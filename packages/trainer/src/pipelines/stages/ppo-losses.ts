/**
 * PPO's clipped surrogate losses over the completion tokens of a minibatch (Schulman et al., arXiv
 * 1707.06347 Eq. 7; TRL `PPOTrainer` / OpenRLHF `PolicyLoss`, `ValueLoss`). Inputs are (B, T)
 * tensors with a (B, T) 0/1 mask of the completion tokens; every mean is TRL's `masked_mean`
 * over all masked tokens of the minibatch. Tensors are created in the caller's scope (use inside
 * `tf.tidy` / `tf.variableGrads`).
 */
import { tf, type Scalar, type Tensor2D } from '@prefstream/core';

/** Σ(x·m)/Σm, the TRL `masked_mean` (1 when the mask is empty, so the loss is 0, not NaN). */
export function maskedMean(x: Tensor2D, mask: Tensor2D): Scalar {
  return tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1)) as Scalar;
}

/** Inputs of {@link ppoPolicyLoss}; all (B, T). */
export interface PolicyLossInputs {
  /** log π_θ(y_t) under the weights being trained (differentiable). */
  readonly logps: Tensor2D;
  /** log π_old(y_t) from the rollout (constant). */
  readonly oldLogps: Tensor2D;
  /** Whitened GAE advantages (constant). */
  readonly advantages: Tensor2D;
  /** 1 on completion tokens, 0 elsewhere. */
  readonly mask: Tensor2D;
}

/**
 * `L = mean_t max(−A_t·ρ_t, −A_t·clip(ρ_t, 1 − ε, 1 + ε))`, `ρ_t = exp(logπ_θ − logπ_old)`.
 * Metrics: `clipfrac` — the fraction of tokens where the clipped term is the larger (TRL
 * `pg_clipfrac`), `approxkl` — `mean ½(logπ_θ − logπ_old)²` (TRL `approxkl`).
 *
 * @example
 * // ρ = e^0.5 ≈ 1.6487, A = 1, ε = 0.2 → max(−1.6487, −1.2) = −1.2, clipfrac 1
 */
export function ppoPolicyLoss(inputs: PolicyLossInputs, clipRange: number): { loss: Scalar; clipfrac: Scalar; approxkl: Scalar } {
  const { logps, oldLogps, advantages, mask } = inputs;
  const diff = tf.sub(logps, oldLogps) as Tensor2D; // (B, T)
  const ratio = tf.exp(diff); // (B, T)
  const unclipped = tf.mul(tf.neg(advantages), ratio) as Tensor2D; // (B, T)
  const clipped = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange)) as Tensor2D; // (B, T)
  const loss = maskedMean(tf.maximum(unclipped, clipped) as Tensor2D, mask);
  const clipfrac = maskedMean(tf.cast(tf.greater(clipped, unclipped), 'float32') as Tensor2D, mask);
  const approxkl = tf.mul(0.5, maskedMean(tf.square(diff) as Tensor2D, mask)) as Scalar;
  return { loss, clipfrac, approxkl };
}

/** Inputs of {@link ppoValueLoss}; all (B, T). */
export interface ValueLossInputs {
  /** V_θ(s_t) under the weights being trained (differentiable). */
  readonly values: Tensor2D;
  /** V_old(s_t) from the rollout (constant). */
  readonly oldValues: Tensor2D;
  /** GAE returns A_t + V_old(s_t) (constant). */
  readonly returns: Tensor2D;
  readonly mask: Tensor2D;
}

/**
 * `L_V = ½·mean_t max((V − R)², (clip(V, V_old − c, V_old + c) − R)²)` (TRL `vf_loss`).
 * Metric `clipfrac`: fraction of tokens where the clipped term is the larger (TRL `vf_clipfrac`).
 *
 * @example
 * // V = 1, V_old = 0, R = 0, c = 0.2 → ½·max(1, 0.04) = 0.5, clipfrac 0
 */
export function ppoValueLoss(inputs: ValueLossInputs, clipRangeValue: number): { loss: Scalar; clipfrac: Scalar } {
  const { values, oldValues, returns, mask } = inputs;
  const clippedValues = tf.minimum(tf.maximum(values, tf.sub(oldValues, clipRangeValue)), tf.add(oldValues, clipRangeValue)); // (B, T)
  const unclipped = tf.square(tf.sub(values, returns)) as Tensor2D; // (B, T)
  const clipped = tf.square(tf.sub(clippedValues, returns)) as Tensor2D; // (B, T)
  const loss = tf.mul(0.5, maskedMean(tf.maximum(unclipped, clipped) as Tensor2D, mask)) as Scalar;
  const clipfrac = maskedMean(tf.cast(tf.greater(clipped, unclipped), 'float32') as Tensor2D, mask);
  return { loss, clipfrac };
}
