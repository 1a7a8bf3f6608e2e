/**
 * MLP activations by their Hugging Face names (transformers `ACT2FN`), with hand-written
 * gradients: composed from tfjs ops, every Multiply saves (clones) both of its (N, F) inputs for
 * the backward pass; here only x is saved.
 */
import { tf, type Tensor, type Tensor2D } from '@prefstream/core';

type Saver = (tensors: Tensor[]) => void;
type GradFn = (...args: (Tensor | Saver)[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] };

/** √(2/π)·2: gelu_new's tanh form rewritten as a sigmoid, 0.5(1 + tanh u) = σ(2u). */
const C = 1.5957691216057308;
const A = 0.044715;

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016; HF NewGELUActivation):
 * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) = x·σ(v), v = 1.5957691(x + 0.044715·x·x·x).
 * Identical math; on wasm Tanh and Pow are slow scalar kernels while Sigmoid and Mul are not.
 * d/dx = σ(v) + x·σ(v)(1 − σ(v))·1.5957691(1 + 3·0.044715·x²).
 */
const geluTanh = tf.customGrad(((x: Tensor2D, save: Saver) => {
  save([x]);
  const sig = (t: Tensor2D) => tf.sigmoid(tf.mul(tf.add(t, tf.mul(tf.mul(tf.mul(t, t), t), A)), C)); // (N, F) σ(v)
  return {
    value: tf.mul(x, sig(x)), // (N, F)
    gradFunc: (dy: Tensor2D, [sx]: Tensor[]) => {
      const xs = sx as Tensor2D;
      const s = sig(xs); // (N, F)
      const dv = tf.mul(tf.add(tf.mul(tf.mul(xs, xs), 3 * A), 1), C); // (N, F) dv/dx
      const local = tf.add(s, tf.mul(tf.mul(xs, tf.mul(s, tf.sub(1, s))), dv)); // (N, F)
      return [tf.mul(dy, local)];
    },
  };
}) as unknown as GradFn) as unknown as (x: Tensor2D) => Tensor2D;

/** SiLU / swish: x·σ(x) (HF `silu`, Llama's MLP); d/dx = σ(x)(1 + x(1 − σ(x))). */
const silu = tf.customGrad(((x: Tensor2D, save: Saver) => {
  save([x]);
  return {
    value: tf.mul(x, tf.sigmoid(x)), // (N, F)
    gradFunc: (dy: Tensor2D, [sx]: Tensor[]) => {
      const s = tf.sigmoid(sx as Tensor2D); // (N, F)
      return [tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(sx as Tensor2D, tf.sub(1, s)))))];
    },
  };
}) as unknown as GradFn) as unknown as (x: Tensor2D) => Tensor2D;

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
