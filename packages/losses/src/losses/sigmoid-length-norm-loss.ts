/**
 * `sigmoid-length-norm`: −logσ(β·(lr_w/n_w − lr_l/n_l)), TRL's `sigmoid_norm` (SimPO-like length
 * normalization). Not RSO's sigmoid-norm, which normalizes by π_sft (see `rso-sigmoid-norm`).
 */
import { tf } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';
import { pairInputs } from '../internal/pair-inputs.js';
import { softSigmoidLoss } from '../internal/soft-sigmoid.js';

export const sigmoidLengthNormLoss: LossDefinition = {
  formula: '−q·logσ(βh̃) − (1−q)·logσ(−βh̃), h̃ = lr_w/n_w − lr_l/n_l',
  source: 'TRL `sigmoid_norm`; SimPO arXiv 2405.14734 (length normalization)',
  requires: (o) => pairInputs(o, 'chosenLength', 'rejectedLength'),
  optional: ['preference'],
  rewardScale: (o) => o.beta,
  compute: (t, o) => {
    const h = tf.sub(t.normalizedLogRatio('chosen'), t.normalizedLogRatio('rejected'));
    return softSigmoidLoss(tf.mul(h, o.beta), t.preference(), o.labelSmoothing);
  },
};
