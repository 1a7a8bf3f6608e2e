import { tf, type NamedTensorMap, type Scalar } from '@prefstream/core';

/**
 * The global L2 norm of a set of tensors, `sqrt(Σ_i Σ g_i²)` (optax `global_norm`, the
 * `grad_norm` of torch's `clip_grad_norm_`). Non-finite entries give a non-finite norm, which is
 * how the update stage detects a bad gradient with a single scalar read.
 *
 * @borrows `tensors`; @owns the returned scalar.
 * @example globalNorm({ w: tf.tensor1d([3, 4]) }).dataSync()[0] // 5
 */
export function globalNorm(tensors: NamedTensorMap): Scalar {
  const list = Object.values(tensors);
  if (list.length === 0) throw new Error('globalNorm: no tensors');
  return tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g.toFloat()))))) as Scalar);
}
