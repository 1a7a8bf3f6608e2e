/**
 * `ipo`: IPO (arXiv 2310.12036 Eq. 17) with τ = β: (h − 1/(2τ))², h from summed log-ratios, or
 * from per-token ones (lr/n) with `lengthNormalize` (TRL main).
 *
 * With a soft label p the loss is the label expectation
 *   p·(h − c)² + (1−p)·(−h − c)²,  c = 1/(2τ),
 * minimized at h = (2p−1)·c, which gives the population optimum π_ref·exp(p̄_μ/τ)/Z (spec §11).
 */
import { tf, type Tensor1D } from '@prefstream/core';
import type { LossDefinition } from '../loss-definition.js';
import type { PairTerms } from '../internal/pair-terms.js';
import { pairInputs } from '../internal/pair-inputs.js';

function ipoMargin(t: PairTerms, lengthNormalize: boolean): Tensor1D {
  if (!lengthNormalize) return t.margin();
  return tf.sub(t.normalizedLogRatio('chosen'), t.normalizedLogRatio('rejected'));
}

export const ipoLoss: LossDefinition = {
  formula: '(h − 1/(2β))²; soft label p: p·(h − 1/(2β))² + (1−p)·(h + 1/(2β))²',
  source: 'IPO arXiv 2310.12036 Eq. 17; TRL `ipo`',
  requires: (o) => (o.lengthNormalize ? pairInputs(o, 'chosenLength', 'rejectedLength') : pairInputs(o)),
  optional: ['preference'],
  rewardScale: (o) => o.beta,
  compute: (t, o) => {
    const c = 1 / (2 * o.beta);
    const h = ipoMargin(t, o.lengthNormalize);
    const win = tf.square(tf.sub(h, c)); // IPO Eq. 17
    const p = t.preference();
    if (p === undefined) return win as Tensor1D;
    const lose = tf.square(tf.add(h, c)); // the same pair with the labels swapped
    return tf.add(tf.mul(p, win), tf.mul(tf.sub(1, p), lose)) as Tensor1D;
  },
};
