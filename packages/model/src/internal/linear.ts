/**
 * Matrix products whose forward AND backward passes are plain, non-transposed 2-D products: the
 * only shape the wasm backend sends to XNNPACK (notes/TFJS-ON-NODE.md — transposed and batched
 * products run a naive loop ~15× slower). tfjs's own MatMul gradient uses `matMul(dy, w, false,
 * true)`; here the transposes are explicit, cheap layout copies of the smaller operand.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@prefstream/core';

type Saver = (tensors: Tensor[]) => void;

/** y = x·w with dx = dy·wᵀ and dw = xᵀ·dy as non-transposed products. */
const matMul2d = tf.customGrad(((x: Tensor2D, w: Tensor2D, save: Saver) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w), // (N, out)
    gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
      const [sx, sw] = saved as [Tensor2D, Tensor2D];
      return [
        tf.matMul(dy, tf.transpose(sw)), // (N, out)·(out, in) → (N, in)
        tf.matMul(tf.transpose(sx), dy), // (in, N)·(N, out) → (in, out)
      ];
    },
  };
}) as unknown as (...args: (Tensor | Saver)[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] }) as unknown as (
  x: Tensor2D,
  w: Tensor2D,
) => Tensor2D;

/**
 * A dense layer on rows: (N, in)·(in, out) + b.
 * @param w weight in [in, out] layout (GPT-2 Conv1D layout; Llama's [out, in] is transposed at load).
 */
export function linear(x: Tensor2D, w: Tensor2D, b?: Tensor1D): Tensor2D {
  const y = matMul2d(x, w); // (N, out)
  return b ? tf.add(y, b) : y;
}

/**
 * x·c for a constant matrix c (no gradient for c): dx = dy·cᵀ with `cT` given precomputed.
 * Used for RoPE's rotate-half as a signed permutation matrix.
 */
export function matMulConstant(x: Tensor2D, c: Tensor2D, cT: Tensor2D): Tensor2D {
  const f = tf.customGrad(((xx: Tensor2D) => ({
    value: tf.matMul(xx, c), // (N, k)·(k, k)
    gradFunc: (dy: Tensor2D) => [tf.matMul(dy, cT)], // (N, k)·(k, k)
  })) as unknown as (...args: (Tensor | Saver)[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] });
  return f(x) as Tensor2D;
}
