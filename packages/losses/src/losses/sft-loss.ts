/**
 * `sft`: mean token negative log-likelihood of the chosen completion, −logp(y_w)/n_w
 * (n_w clamped ≥ 1). Combine with a pairwise loss through a loss list + weights (TRL `sft`,
 * RPO-style). Per example, so the batch mean is the mean of per-sequence token means.
 */
import { tf, type Tensor1D } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';

export const sftLoss: LossDefinition = {
  formula: '−logp_w / n_w',
  source: 'TRL `sft` (in a loss_type list)',
  requires: () => ['chosenLogps', 'chosenLength'],
  optional: [],
  rewardScale: (o) => o.beta,
  compute: (t) => tf.neg(tf.div(t.logps('chosen'), t.length('chosen'))) as Tensor1D,
};
