/**
 * Numerically stable log σ(u) (spec §1).
 *
 * `tf.logSigmoid`'s gradient throws in tfjs 4.22, so this is written as −softplus(−u), whose
 * gradient σ(−u) is registered on every backend. tfjs' softplus switches to `u` / `exp(u)` past
 * its float32 thresholds, so values and gradients stay finite for |u| up to 1e9.
 */
import { tf, type Tensor } from '@prefstream/core';

/** log σ(u), elementwise. @owns the result (created in the caller's tidy scope). */
export function logSigmoid<T extends Tensor>(u: T): T {
  return tf.neg(tf.softplus(tf.neg(u)));
}
