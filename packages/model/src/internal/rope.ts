/**
 * Rotary position embeddings exactly as Hugging Face Llama applies them (the "rotate-half"
 * convention, not the interleaved pairs of the original RoFormer code):
 * x′ = x·cos + rotate_half(x)·sin, rotate_half(x) = [−x₂, x₁] for halves x₁, x₂,
 * cos/sin of θ_p = p·[f, f], f_i = 1/base^(2i/d) (transformers modeling_llama.py,
 * `LlamaRotaryEmbedding`, `rotate_half`, `apply_rotary_pos_emb`).
 */
import { tf, type Tensor2D, type Tensor3D } from '@prefstream/core';
import { matMulConstant } from './linear.js';

/** Tensors a RoPE model keeps for its lifetime (created once, disposed with the model). */
export interface RopeConstants {
  /** (1, d) the inverse frequencies repeated over both halves, float32 as torch computes them. */
  readonly invFreq: Tensor2D;
  /** (d, d) signed permutation R with x·R = rotate_half(x), and its transpose for the gradient. */
  readonly rotate: Tensor2D;
  readonly rotateT: Tensor2D;
}

/** Builds the constants for head width d and base θ; the caller owns (and disposes) them. */
export function ropeConstants(d: number, base: number): RopeConstants {
  const half = d / 2;
  const inv = new Float32Array(d);
  for (let i = 0; i < half; i++) {
    // torch: 1.0 / (base ** (arange(0, d, 2).float() / d)), every step in float32.
    inv[i] = inv[i + half] = Math.fround(1 / Math.fround(Math.pow(base, Math.fround((2 * i) / d))));
  }
  const r = new Float32Array(d * d);
  for (let j = 0; j < half; j++) {
    r[(j + half) * d + j] = -1; // out[j] = −x[j + d/2]
    r[j * d + j + half] = 1; // out[j + d/2] = x[j]
  }
  const rotate = tf.tensor2d(r, [d, d]);
  return { invFreq: tf.tensor2d(inv, [1, d]), rotate, rotateT: tf.transpose(rotate) };
}

/**
 * cos and sin of the rotation angles of every token.
 * @param positions (B, T) int32.
 * @returns each (B·T, 1, d) for broadcasting over heads.
 */
export function ropeAngles(positions: Tensor2D, c: RopeConstants): { cos: Tensor3D; sin: Tensor3D } {
  const [B, T] = positions.shape;
  const d = c.invFreq.shape[1];
  const p = tf.reshape(tf.cast(positions, 'float32'), [B * T, 1]); // (B·T, 1)
  const theta = tf.mul(p, c.invFreq); // (B·T, d)
  return { cos: tf.reshape(tf.cos(theta), [B * T, 1, d]), sin: tf.reshape(tf.sin(theta), [B * T, 1, d]) };
}

/**
 * Rotates every head of x.
 * @param x (B·T, H, d) float32.
 * @returns (B·T, H, d).
 */
export function applyRope(x: Tensor3D, angles: { cos: Tensor3D; sin: Tensor3D }, c: RopeConstants): Tensor3D {
  const [N, H, d] = x.shape;
  const rotated = tf.reshape(matMulConstant(tf.reshape(x, [N * H, d]), c.rotate, c.rotateT), [N, H, d]); // (B·T, H, d)
  return tf.add(tf.mul(x, angles.cos), tf.mul(rotated, angles.sin)); // (B·T, H, d)
}
