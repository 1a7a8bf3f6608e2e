/**
 * The reference inputs a ratio-based loss needs, unless `referenceFree` drops them.
 */
import type { PreferenceInputName } from '../preference-inputs.js';
import type { PreferenceLossOptions } from '../preference-loss-options.js';

/** `[chosenLogps, rejectedLogps]` plus the two ref_* inputs unless reference-free. */
export function pairInputs(options: PreferenceLossOptions, ...extra: PreferenceInputName[]): PreferenceInputName[] {
  const base: PreferenceInputName[] = ['chosenLogps', 'rejectedLogps'];
  if (!options.referenceFree) base.push('refChosenLogps', 'refRejectedLogps');
  return [...base, ...extra];
}
