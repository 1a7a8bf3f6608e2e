/**
 * The Bradley–Terry cross-entropy with a soft target, shared by `sigmoid`, `sigmoid-length-norm`
 * and `rso-sigmoid-norm`:
 *
 *   L(z) = −q·logσ(z) − (1−q)·logσ(−z)
 *
 * with q = p·(1−ε) + (1−p)·ε, p the soft label P(y_w ≻ y_l) (1 when absent) and ε the label
 * smoothing. p = 1 gives cDPO (spec §2: −(1−ε)·logσ(βh) − ε·logσ(−βh)); ε = 0 gives DPO with soft
 * Bradley–Terry labels, whose population optimum is βh = logit(p) (spec §11).
 */
import { tf, type Tensor1D } from '@prefstream/core';
import { logSigmoid } from './log-sigmoid.js';

/** (B,) loss for logits z (B,). @borrows z and preference; @owns the result. */
export function softSigmoidLoss(z: Tensor1D, preference: Tensor1D | undefined, labelSmoothing: number): Tensor1D {
  const eps = labelSmoothing;
  if (preference === undefined && eps === 0) return tf.neg(logSigmoid(z)); // DPO Eq. 7
  // q = p(1−ε) + (1−p)ε = ε + p(1−2ε); a scalar when the label is hard
  const q = preference === undefined ? tf.scalar(1 - eps) : tf.add(tf.mul(preference, 1 - 2 * eps), eps);
  const pos = tf.mul(q, logSigmoid(z));
  const neg = tf.mul(tf.sub(1, q), logSigmoid(tf.neg(z)));
  return tf.neg(tf.add(pos, neg)) as Tensor1D;
}
