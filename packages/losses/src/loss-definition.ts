/**
 * What a registry entry for a per-example preference loss provides. Adding a loss is a new file
 * in `src/losses/`, one line in {@link LOSS_REGISTRY} and one README row.
 */
import type { Tensor, Tensor1D } from '@prefstream/core';
import type { PairTerms } from './internal/pair-terms.js';
import type { PreferenceInputName } from './preference-inputs.js';
import type { PreferenceLossOptions } from './preference-loss-options.js';

/** A registry entry: formula, source, inputs and the per-example loss. */
export interface LossDefinition {
  /** The formula, as shown in the README and in error messages. */
  readonly formula: string;
  /** Paper and/or TRL name. */
  readonly source: string;
  /** Inputs this loss needs under `options` (e.g. no ref_* when `referenceFree`). */
  requires(options: PreferenceLossOptions): readonly PreferenceInputName[];
  /** Optional inputs it honours when present (e.g. the soft `preference` label). */
  readonly optional: readonly PreferenceInputName[];
  /** Scale of the implicit reward in the `rewards/*` metrics: β, or γ for RSO's losses. */
  rewardScale(options: PreferenceLossOptions): number;
  /** (B,) per-example loss; reduces nothing. @owns the result (caller's tidy scope). */
  compute(terms: PairTerms, options: PreferenceLossOptions): Tensor1D;
  /** Extra scalar metrics of this loss (e.g. `copg/objective`). @owns the results. */
  metrics?(terms: PairTerms, options: PreferenceLossOptions): Record<string, Tensor>;
}
