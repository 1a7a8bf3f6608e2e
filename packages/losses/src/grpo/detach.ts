/**
 * `detach(x)`: the value of x with no gradient flowing back (PyTorch `.detach()`; tfjs has no
 * stop-gradient op, so an identity with a zero gradient).
 */
import { tf, type Tensor } from '@prefstream/core';

const identityWithoutGradient = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as Tensor;
  return { value: tf.clone(x), gradFunc: (dy: Tensor | Tensor[]) => tf.zerosLike(dy as Tensor) };
});

/** @example const oldLogps = detach(tokenLogps); // ratio = exp(logp − detach(logp)) = 1, ∇ratio = ∇logp */
export function detach<T extends Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}
