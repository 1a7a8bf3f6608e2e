/**
 * `slic`: SLiC-HF (arXiv 2305.10425 Eq. 1 with the regularizer of Eq. 3):
 *   max(0, δ − logp(y⁺) + logp(y⁻)) − λ·logp(y_ref)
 * No reference model; unnormalized sums. `refTargetLogps` is the POLICY log-prob of the SFT
 * target y_ref (not needed when λ = 0).
 */
import { tf, type Tensor1D } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';

export const slicLoss: LossDefinition = {
  formula: 'max(0, δ − logp_w + logp_l) − λ·logp(y_ref)',
  source: 'SLiC-HF arXiv 2305.10425 Eq. 1 + Eq. 3',
  requires: (o) => (o.lambda > 0 ? ['chosenLogps', 'rejectedLogps', 'refTargetLogps'] : ['chosenLogps', 'rejectedLogps']),
  optional: [],
  rewardScale: (o) => o.beta,
  compute: (t, o) => {
    const calibration = tf.relu(tf.add(tf.sub(o.delta, t.logps('chosen')), t.logps('rejected')));
    if (o.lambda === 0) return calibration as Tensor1D;
    return tf.sub(calibration, tf.mul(t.input('refTargetLogps'), o.lambda)) as Tensor1D;
  },
};
