/**
 * log softmax(logits)[label] per row, with a hand-written gradient.
 *
 * Composed from tfjs ops (`logits[label] − logSumExp(logits)`), autograd also differentiates the
 * max that logSumExp subtracts for stability — an Equal, a Cast and a Multiply over the whole
 * (N, V) block whose contributions cancel exactly. The closed form is one expression:
 * ∂/∂logits = dy · (onehot(label) − softmax(logits)).
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@prefstream/core';

type Saver = (tensors: Tensor[]) => void;

/**
 * @param logits (N, V) float32. @param labels (N,) int32.
 * @returns (N,) float32 log-probabilities of the labels.
 */
export function labelLogProbs(logits: Tensor2D, labels: Tensor1D): Tensor1D {
  const V = logits.shape[1];
  // tfjs-backend-wasm 4.22's OneHot writes int bits into a float32 output when asked for dtype
  // 'float32' (1 reads back as 1.4e-45): build it in int32 and cast.
  const oneHotOf = (l: Tensor1D) => tf.cast(tf.oneHot(l, V), 'float32') as Tensor2D; // (N, V)
  // Tensors the gradient needs must be saved (intermediates of the forward are disposed before
  // the backward pass runs); the labels are saved instead of their (N, V) one-hot.
  const f = tf.customGrad(((x: Tensor2D, l: Tensor1D, save: Saver) => {
    const lse = tf.logSumExp(x, -1, true); // (N, 1)
    save([x, lse, l]);
    return {
      value: tf.reshape(tf.sub(tf.sum(tf.mul(x, oneHotOf(l)), -1, true), lse), [-1]), // (N,)
      gradFunc: (dy: Tensor1D, saved: Tensor[]) => {
        const [sx, slse, sl] = saved as [Tensor2D, Tensor2D, Tensor1D];
        const softmax = tf.exp(tf.sub(sx, slse)); // (N, V)
        return [tf.mul(tf.sub(oneHotOf(sl), softmax), tf.reshape(dy, [-1, 1])), tf.zerosLike(sl)]; // (N, V), labels: none
      },
    };
  }) as unknown as (...args: (Tensor | Saver)[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] });
  return f(logits, labels) as Tensor1D;
}
