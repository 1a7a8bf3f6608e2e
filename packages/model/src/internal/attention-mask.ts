/**
 * The additive attention bias and the position ids of a (possibly padded) batch.
 */
import { tf, type Tensor2D, type Tensor4D } from '@prefstream/core';

/** Added to the scores of masked keys: exp(−1e9 − max) is exactly 0 in float32, and a row whose
 * keys are all masked (a padding query) stays finite (a uniform softmax) instead of NaN. */
export const MASKED = -1e9;

/**
 * Causal (+ sliding window) visibility of T queries over S keys, the queries being the last T of
 * the S positions: query i sees key j iff j ≤ S − T + i (and, with a window W, j > S − T + i − W).
 * @returns (T·S) 1/0 row-major.
 */
function causalPattern(T: number, S: number, window: number | undefined): Float32Array {
  const out = new Float32Array(T * S);
  const past = S - T;
  for (let i = 0; i < T; i++) {
    const hi = past + i;
    const lo = window === undefined ? 0 : Math.max(0, hi - window + 1);
    out.fill(1, i * S + lo, i * S + hi + 1);
  }
  return out;
}

/**
 * Additive bias for attention scores: 0 where query t may attend to key s, {@link MASKED} where
 * the key is in the future (causal), beyond the sliding window, or padding (`keyMask` 0).
 * @param keyMask (B, S) 1 for real tokens; undefined = no padding.
 * @returns (B or 1, 1, T, S) float32, created in the caller's tidy scope.
 */
export function attentionBias(keyMask: Tensor2D | undefined, T: number, S: number, window?: number): Tensor4D {
  const causal = tf.tensor4d(causalPattern(T, S, window), [1, 1, T, S]); // (1, 1, T, S)
  if (!keyMask) return tf.mul(tf.sub(1, causal), MASKED); // (1, 1, T, S)
  const B = keyMask.shape[0];
  const keys = tf.reshape(tf.cast(keyMask, 'float32'), [B, 1, 1, S]); // (B, 1, 1, S)
  return tf.mul(tf.sub(1, tf.mul(causal, keys)), MASKED); // (B, 1, T, S)
}

/**
 * Position ids as Hugging Face computes them for padded batches in `generate`
 * (`attention_mask.cumsum(-1) − 1`, padding clamped to 0): a left-padded row counts its positions
 * from its first real token, so it gets the same positions as the unpadded sequence.
 * @param mask (B, T) 1/0; undefined → 0…T−1 for every row.
 * @returns (B, T) int32.
 */
export function positionIds(mask: Tensor2D | undefined, B: number, T: number): Tensor2D {
  if (!mask) return tf.tile(tf.reshape(tf.range(0, T, 1, 'int32'), [1, T]), [B, 1]) as Tensor2D; // (B, T)
  const counts = tf.cumsum(tf.cast(mask, 'float32'), 1); // (B, T)
  return tf.cast(tf.relu(tf.sub(counts, 1)), 'int32') as Tensor2D; // (B, T)
}
