/**
 * `robust`: rDPO (arXiv 2403.00409 Eq. 8), an unbiased loss under label-flip rate ε:
 *   [−(1−ε)·logσ(βh) + ε·logσ(−βh)] / (1−2ε)
 * Unbounded below on clean data (the ε-term rewards a negative margin), as TRL's `robust`.
 */
import { tf, type Tensor1D } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';
import { logSigmoid } from '../internal/log-sigmoid.js';
import { pairInputs } from '../internal/pair-inputs.js';

export const robustLoss: LossDefinition = {
  formula: '[−(1−ε)·logσ(βh) + ε·logσ(−βh)] / (1−2ε)',
  source: 'rDPO arXiv 2403.00409; TRL `robust`',
  requires: (o) => pairInputs(o),
  optional: [],
  rewardScale: (o) => o.beta,
  compute: (t, o) => {
    const eps = o.labelSmoothing;
    const z = tf.mul(t.margin(), o.beta);
    const clean = tf.mul(logSigmoid(z), -(1 - eps));
    const flipped = tf.mul(logSigmoid(tf.neg(z)), eps);
    return tf.div(tf.add(clean, flipped), 1 - 2 * eps) as Tensor1D;
  },
};
