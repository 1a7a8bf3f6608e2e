/**
 * Normalizations over the last axis of (N, D) rows, in float32.
 */
import { tf, type Tensor1D, type Tensor2D } from '@prefstream/core';

/** LayerNorm (Ba et al. 2016; torch.nn.LayerNorm: biased variance): (x − μ)/√(σ² + ε)·γ + β. */
export function layerNorm(x: Tensor2D, gamma: Tensor1D, beta: Tensor1D, eps: number): Tensor2D {
  const mean = tf.mean(x, -1, true); // (N, 1)
  const xc = tf.sub(x, mean); // (N, D)
  const variance = tf.mean(tf.mul(xc, xc), -1, true); // (N, 1)
  const normed = tf.mul(xc, tf.rsqrt(tf.add(variance, eps))); // (N, D)
  return tf.add(tf.mul(normed, gamma), beta); // (N, D)
}

/** RMSNorm (Zhang & Sennrich 2019; HF LlamaRMSNorm): x/√(mean(x²) + ε)·w. */
export function rmsNorm(x: Tensor2D, weight: Tensor1D, eps: number): Tensor2D {
  const ms = tf.mean(tf.mul(x, x), -1, true); // (N, 1)
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), weight); // (N, D)
}
