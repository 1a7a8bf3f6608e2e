/**
 * `sigmoid`: DPO (arXiv 2305.18290 Eq. 7), with `labelSmoothing` ε = conservative DPO (cDPO) and an
 * optional soft `preference` label p.
 */
import { tf } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';
import { pairInputs } from '../internal/pair-inputs.js';
import { softSigmoidLoss } from '../internal/soft-sigmoid.js';

export const sigmoidLoss: LossDefinition = {
  formula: '−q·logσ(βh) − (1−q)·logσ(−βh), q = ε + p(1−2ε) (p = 1 when no soft label)',
  source: 'DPO arXiv 2305.18290 Eq. 7; cDPO; TRL `sigmoid`',
  requires: (o) => pairInputs(o),
  optional: ['preference'],
  rewardScale: (o) => o.beta,
  compute: (t, o) => softSigmoidLoss(tf.mul(t.margin(), o.beta), t.preference(), o.labelSmoothing),
};
