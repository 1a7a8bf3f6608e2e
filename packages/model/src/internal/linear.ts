/**
 * Matrix products whose forward AND backward passes are plain, non-transposed 2-D products: the
 * only shape the stock wasm backend sends to XNNPACK (notes/TFJS-ON-NODE.md — transposed and
 * batched products run a naive loop). tfjs's own MatMul gradient uses `matMul(dy, w, false,
 * true)`; here the transposes are explicit layout copies of the smaller operand.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@prefstream/core';

type Saver = (tensors: Tensor[]) => void;
type GradFn = (...args: (Tensor | Saver)[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] };

/**
 * Σ over rows as a (1, N)·(N, out) product: the wasm Sum kernel transposes a (N, out) input before
 * reducing its leading axis, a product does not.
 */
function sumRows(dy: Tensor2D): Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, dy.shape[0]]), dy), [-1]); // (out,)
}

/**
 * y = x·w (+ b). Variables are read in the backward pass directly: they outlive it, and saving
 * them would copy every weight on every call (the engine clones saved tensors).
 */
function product(x: Tensor2D, w: Tensor2D, b: Tensor1D | undefined): Tensor2D {
  const wIsVariable = w instanceof tf.Variable;
  const f = tf.customGrad(((xx: Tensor2D, ww: Tensor2D, ...rest: (Tensor | Saver)[]) => {
    const save = rest.at(-1) as Saver;
    const bb = rest.length === 2 ? (rest[0] as Tensor1D) : undefined;
    save(wIsVariable ? [xx] : [xx, ww]);
    const y = tf.matMul(xx, ww); // (N, in)·(in, out) → (N, out)
    return {
      value: bb ? tf.add(y, bb) : y,
      gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
        const sx = saved[0] as Tensor2D;
        const sw = wIsVariable ? w : (saved[1] as Tensor2D);
        const grads = [
          tf.matMul(dy, tf.transpose(sw)), // (N, out)·(out, in) → (N, in)
          tf.matMul(tf.transpose(sx), dy), // (in, N)·(N, out) → (in, out)
        ];
        return bb ? [...grads, sumRows(dy)] : grads;
      },
    };
  }) as unknown as GradFn);
  return (b ? f(x, w, b) : f(x, w)) as Tensor2D;
}

/**
 * A dense layer on rows: (N, in)·(in, out) + b.
 * @param w weight in [in, out] layout (GPT-2 Conv1D layout; Llama's [out, in] is transposed at load).
 */
export function linear(x: Tensor2D, w: Tensor2D, b?: Tensor1D): Tensor2D {
  return product(x, w, b);
}

/**
 * x·c for a constant matrix c (no gradient for c): dx = dy·cᵀ with `cT` given precomputed.
 * Used for RoPE's rotate-half as a signed permutation matrix.
 */
export function matMulConstant(x: Tensor2D, c: Tensor2D, cT: Tensor2D): Tensor2D {
  const f = tf.customGrad(((xx: Tensor2D) => ({
    value: tf.matMul(xx, c), // (N, k)·(k, k)
    gradFunc: (dy: Tensor2D) => [tf.matMul(dy, cT)], // (N, k)·(k, k)
  })) as unknown as GradFn);
  return f(x) as Tensor2D;
}
