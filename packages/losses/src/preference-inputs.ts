/**
 * The named per-example tensors a preference loss reads. Every tensor is (B,) float32; which ones
 * a loss needs is declared by its registry entry ({@link LossDefinition.requires}).
 */
import type { Tensor1D } from '@prefstream/core';

/** Names of the inputs, with their meaning (spec §1 notation). */
export const PREFERENCE_INPUTS = {
  /** logp(y_w): summed policy log-prob of the chosen (first) completion. */
  chosenLogps: 'policy log-prob of the chosen completion, summed over its tokens',
  /** logp(y_l): summed policy log-prob of the rejected (second) completion. */
  rejectedLogps: 'policy log-prob of the rejected completion, summed over its tokens',
  /** ref(y_w): the same under the frozen reference policy (column `ref_chosen_logps`). */
  refChosenLogps: 'reference log-prob of the chosen completion',
  /** ref(y_l) (column `ref_rejected_logps`). */
  refRejectedLogps: 'reference log-prob of the rejected completion',
  /** n_w: completion tokens of the chosen completion (clamped ≥ 1 where divided by). */
  chosenLength: 'completion tokens of the chosen completion',
  /** n_l: completion tokens of the rejected completion. */
  rejectedLength: 'completion tokens of the rejected completion',
  /** R(y): scalar reward of the chosen / first completion (CoPG). */
  chosenReward: 'reward of the chosen (first) completion',
  /** R(y'): scalar reward of the rejected / second completion (CoPG). */
  rejectedReward: 'reward of the rejected (second) completion',
  /** logp(y_ref): policy log-prob of the SFT target (SLiC's regularizer, spec §3). */
  refTargetLogps: 'policy log-prob of the SFT target y_ref',
  /** P(y_w ≻ y_l) ∈ [0, 1], a soft label (column `preference`); absent means 1. */
  preference: 'soft label P(chosen ≻ rejected) in [0, 1]',
} as const;

/** A named loss input (`chosenLogps`, `refChosenLogps`, …). */
export type PreferenceInputName = keyof typeof PREFERENCE_INPUTS;

/**
 * The inputs of one batch. @borrows every tensor: the loss reads them and never disposes them.
 */
export type PreferenceInputs = Partial<Record<PreferenceInputName, Tensor1D>>;
