/**
 * Normalizations over the last axis of (N, D) rows, in float32.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@prefstream/core';

type Saver = (tensors: Tensor[]) => void;
type GradFn = (...args: (Tensor | Saver)[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] };

/** Σ over rows as a (1, N)·(N, D) product (the wasm Sum kernel transposes before reducing axis 0). */
function sumRows(x: Tensor2D): Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [-1]); // (D,)
}

/**
 * y = x·γ (+ β) per column, with ∂γ = Σ_rows dy·x and ∂β = Σ_rows dy as products; γ and β are
 * variables, read in the backward pass directly instead of saved (copied).
 */
function affine(x: Tensor2D, gamma: Tensor1D, beta?: Tensor1D): Tensor2D {
  const f = tf.customGrad(((xx: Tensor2D, g: Tensor1D, ...rest: (Tensor | Saver)[]) => {
    const save = rest.at(-1) as Saver;
    const b = rest.length === 2 ? (rest[0] as Tensor1D) : undefined;
    const gIsVariable = gamma instanceof tf.Variable;
    save(gIsVariable ? [xx] : [xx, g]);
    const y = tf.mul(xx, g); // (N, D)
    return {
      value: b ? tf.add(y, b) : y,
      gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
        const sx = saved[0] as Tensor2D;
        const sg = gIsVariable ? gamma : (saved[1] as Tensor1D);
        const grads = [tf.mul(dy, sg), sumRows(tf.mul(dy, sx))]; // (N, D), (D,)
        return b ? [...grads, sumRows(dy)] : grads;
      },
    };
  }) as unknown as GradFn);
  return (beta ? f(x, gamma, beta) : f(x, gamma)) as Tensor2D;
}

/** LayerNorm (Ba et al. 2016; torch.nn.LayerNorm: biased variance): (x − μ)/√(σ² + ε)·γ + β. */
export function layerNorm(x: Tensor2D, gamma: Tensor1D, beta: Tensor1D, eps: number): Tensor2D {
  const mean = tf.mean(x, -1, true); // (N, 1)
  const xc = tf.sub(x, mean); // (N, D)
  const variance = tf.mean(tf.mul(xc, xc), -1, true); // (N, 1)
  const normed = tf.mul(xc, tf.rsqrt(tf.add(variance, eps))) as Tensor2D; // (N, D)
  return affine(normed, gamma, beta); // (N, D)
}

/** RMSNorm (Zhang & Sennrich 2019; HF LlamaRMSNorm): x/√(mean(x²) + ε)·w. */
export function rmsNorm(x: Tensor2D, weight: Tensor1D, eps: number): Tensor2D {
  const ms = tf.mean(tf.mul(x, x), -1, true); // (N, 1)
  return affine(tf.mul(x, tf.rsqrt(tf.add(ms, eps))) as Tensor2D, weight); // (N, D)
}
