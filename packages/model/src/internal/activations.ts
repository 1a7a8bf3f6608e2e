/**
 * MLP activations by their Hugging Face names (transformers `ACT2FN`).
 */
import { tf, type Tensor2D } from '@prefstream/core';

/** √(2/π)·2: gelu_new's tanh form rewritten as a sigmoid, 0.5(1 + tanh u) = σ(2u). */
const TWO_SQRT_2_OVER_PI = 1.5957691216057308;

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016; HF NewGELUActivation):
 * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) = x·σ(1.5957691(x + 0.044715·x·x·x)).
 * Identical math; on wasm Tanh and Pow are slow scalar kernels while Sigmoid and Mul are not.
 */
function geluTanh(x: Tensor2D): Tensor2D {
  const cube = tf.mul(tf.mul(x, x), x); // (N, F)
  const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), TWO_SQRT_2_OVER_PI); // (N, F)
  return tf.mul(x, tf.sigmoid(inner)); // (N, F)
}

/** SiLU / swish: x·σ(x) (HF `silu`, Llama's MLP). */
function silu(x: Tensor2D): Tensor2D {
  return tf.mul(x, tf.sigmoid(x)); // (N, F)
}

export const ACTIVATIONS: Readonly<Record<string, (x: Tensor2D) => Tensor2D>> = {
  gelu_new: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  gelu_fast: geluTanh,
  silu,
  swish: silu,
  relu: (x) => tf.relu(x),
};

/** The activation named `name`, or an error listing the supported ones. */
export function activation(name: string): (x: Tensor2D) => Tensor2D {
  const fn = ACTIVATIONS[name];
  if (!fn) throw new Error(`activation "${name}" is not supported; supported: ${Object.keys(ACTIVATIONS).join(', ')}`);
  return fn;
}
