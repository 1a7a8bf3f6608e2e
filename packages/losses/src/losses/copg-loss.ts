/**
 * `copg`: Contrastive Policy Gradient (arXiv 2406.19185), in the squared form of spec §5:
 *   loss = (ΔR − β·Δl)² / (2β),  Δl = lr(y) − lr(y'),  ΔR = R(y) − R(y')
 * which has the same gradient in the log-probs as maximizing the paper's
 *   ℓ = ΔR·Δl − (β/2)·Δl²
 * (∂loss/∂lr(y) = −(ΔR − βΔl) = −∂ℓ/∂lr(y)); ℓ is reported as the metric `copg/objective`.
 * Rows carry `chosen`/`rejected` only as "first"/"second"; no preference label is used.
 */
import { tf, type Tensor1D } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';
import type { PairTerms } from '../internal/pair-terms.js';
import { pairInputs } from '../internal/pair-inputs.js';

function rewardGap(t: PairTerms): Tensor1D {
  return tf.sub(t.input('chosenReward'), t.input('rejectedReward'));
}

export const copgLoss: LossDefinition = {
  formula: '(ΔR − β·Δl)² / (2β), Δl = h, ΔR = R(y) − R(y′)',
  source: 'CoPG arXiv 2406.19185 Eq. 9 (squared form)',
  requires: (o) => pairInputs(o, 'chosenReward', 'rejectedReward'),
  optional: [],
  rewardScale: (o) => o.beta,
  compute: (t, o) => tf.div(tf.square(tf.sub(rewardGap(t), tf.mul(t.margin(), o.beta))), 2 * o.beta) as Tensor1D,
  metrics: (t, o) => {
    const dl = t.margin();
    const objective = tf.sub(tf.mul(rewardGap(t), dl), tf.mul(tf.square(dl), o.beta / 2)); // CoPG ℓ
    return { 'copg/objective': tf.mean(objective) };
  },
};
