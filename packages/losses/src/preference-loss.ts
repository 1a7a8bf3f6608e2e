/**
 * `preferenceLoss`: the pure loss function over named tensors (see {@link computePreferenceLoss}).
 */
import { computePreferenceLoss } from './internal/compute-preference-loss.js';

export type { PreferenceLossResult } from './internal/compute-preference-loss.js';

/** Per-example preference losses and TRL metrics; see {@link computePreferenceLoss}. */
export const preferenceLoss = computePreferenceLoss;
