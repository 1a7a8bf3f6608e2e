/**
 * TRL's per-batch metrics (spec §1), from whichever inputs are present:
 *   rewards/chosen = mean(s·lr(y_w)), rewards/rejected = mean(s·lr(y_l)),
 *   rewards/margins = mean(s·h), rewards/accuracies = mean(1[lr(y_w) > lr(y_l)]) (strict),
 *   logps/chosen, logps/rejected = batch means of the summed log-probs,
 * with s the loss's reward scale (β, or γ for RSO) and lr = logp when there is no reference.
 */
import { tf, type Scalar } from '@prefstream/core';
import type { PreferenceInputs } from '../preference-inputs.js';
import { PairTerms } from './pair-terms.js';

/** @borrows inputs; @owns the returned scalars. */
export function pairMetrics(inputs: PreferenceInputs, scale: number, referenceFree: boolean): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  if (inputs.chosenLogps) out['logps/chosen'] = tf.mean(inputs.chosenLogps);
  if (inputs.rejectedLogps) out['logps/rejected'] = tf.mean(inputs.rejectedLogps);
  if (!inputs.chosenLogps || !inputs.rejectedLogps) return out;
  const noReference = referenceFree || !inputs.refChosenLogps || !inputs.refRejectedLogps;
  const terms = new PairTerms('metrics', inputs, noReference);
  const chosen = terms.logRatio('chosen');
  const rejected = terms.logRatio('rejected');
  out['rewards/chosen'] = tf.mean(tf.mul(chosen, scale));
  out['rewards/rejected'] = tf.mean(tf.mul(rejected, scale));
  out['rewards/margins'] = tf.mean(tf.mul(tf.sub(chosen, rejected), scale));
  out['rewards/accuracies'] = tf.mean(tf.cast(tf.greater(chosen, rejected), 'float32'));
  return out;
}
