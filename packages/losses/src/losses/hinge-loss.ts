/**
 * `hinge`: relu(1 − βh), SLiC's hinge on the likelihood ratio (β = 1/margin); equals RSO's
 * hinge-norm with β = γ (TRL `hinge`).
 */
import { tf, type Tensor1D } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';
import { pairInputs } from '../internal/pair-inputs.js';

export const hingeLoss: LossDefinition = {
  formula: 'relu(1 − βh)',
  source: 'SLiC arXiv 2305.10425 / RSO arXiv 2309.06657; TRL `hinge`',
  requires: (o) => pairInputs(o),
  optional: [],
  rewardScale: (o) => o.beta,
  compute: (t, o) => tf.relu(tf.sub(1, tf.mul(t.margin(), o.beta))) as Tensor1D,
};
