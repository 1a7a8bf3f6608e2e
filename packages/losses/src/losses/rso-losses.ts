/**
 * RSO's three losses (arXiv 2309.06657 §4), with the loss scale γ decoupled from the sampling β.
 * "norm" means normalized by π_sft (a likelihood ratio against the reference), not by length.
 */
import { tf, type Tensor1D } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';
import { pairInputs } from '../internal/pair-inputs.js';
import { softSigmoidLoss } from '../internal/soft-sigmoid.js';

/** `rso-sigmoid-norm`: −logσ(γh) (= TRL `sigmoid` with β = γ); soft labels reach π_sft·exp(r/γ)/Z. */
export const rsoSigmoidNormLoss: LossDefinition = {
  formula: '−q·logσ(γh) − (1−q)·logσ(−γh), q = ε + p(1−2ε)',
  source: 'RSO arXiv 2309.06657 Eq. 10 (sigmoid-norm)',
  requires: (o) => pairInputs(o),
  optional: ['preference'],
  rewardScale: (o) => o.gamma,
  compute: (t, o) => softSigmoidLoss(tf.mul(t.margin(), o.gamma), t.preference(), o.labelSmoothing),
};

/** `rso-hinge`: max(0, 1 − γ(logp(y_w) − logp(y_l))), no reference (SLiC's hinge with δ = 1/γ, scaled). */
export const rsoHingeLoss: LossDefinition = {
  formula: 'max(0, 1 − γ·(logp_w − logp_l))',
  source: 'RSO arXiv 2309.06657 Eq. 11 (hinge)',
  requires: () => ['chosenLogps', 'rejectedLogps'],
  optional: [],
  rewardScale: (o) => o.gamma,
  compute: (t, o) => {
    const diff = tf.sub(t.logps('chosen'), t.logps('rejected'));
    return tf.relu(tf.sub(1, tf.mul(diff, o.gamma))) as Tensor1D;
  },
};

/** `rso-hinge-norm`: max(0, 1 − γh) (= TRL `hinge` with β = γ). */
export const rsoHingeNormLoss: LossDefinition = {
  formula: 'max(0, 1 − γh)',
  source: 'RSO arXiv 2309.06657 Eq. 12 (hinge-norm)',
  requires: (o) => pairInputs(o),
  optional: [],
  rewardScale: (o) => o.gamma,
  compute: (t, o) => tf.relu(tf.sub(1, tf.mul(t.margin(), o.gamma))) as Tensor1D,
};
