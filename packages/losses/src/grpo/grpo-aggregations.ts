/**
 * How GRPO's per-token losses become one scalar (TRL `GRPOConfig.loss_type`), as a registry.
 * Every entry takes the masked per-token loss and returns the batch loss and the per-sequence
 * losses whose batch mean it is (dr_grpo and bnpo: the share of each sequence in the sum).
 */
import { tf, type Scalar, type Tensor1D, type Tensor2D } from '@prefstream/core';

/** What an aggregation needs besides the per-token loss. */
export interface AggregationInputs {
  /** (B, T) per-token loss, already multiplied by the mask. */
  readonly masked: Tensor2D;
  /** (B, T) 1 on completion tokens. */
  readonly mask: Tensor2D;
  /** Length cap L of dr_grpo's constant normalizer. */
  readonly maxCompletionLength: number | undefined;
}

/** One loss aggregation. `perSequence` (B,) has the batch loss as its mean. */
export type Aggregation = (inputs: AggregationInputs) => { loss: Scalar; perSequence: Tensor1D };

/** Names of {@link GRPO_AGGREGATIONS}. */
export const GRPO_LOSS_TYPES = ['grpo', 'bnpo', 'dr_grpo'] as const;
/** A GRPO loss aggregation name. */
export type GrpoLossType = (typeof GRPO_LOSS_TYPES)[number];

/**
 * - `grpo` (DeepSeekMath Eq. 3): mean over each sequence's tokens, then over sequences.
 * - `bnpo`: one mean over all tokens of the batch (long sequences weigh more).
 * - `dr_grpo` (Dr. GRPO, arXiv 2503.20783): sum over tokens / (B · L), L a constant, so neither
 *   length nor the group's std biases the update.
 */
export const GRPO_AGGREGATIONS: Readonly<Record<GrpoLossType, Aggregation>> = {
  grpo: ({ masked, mask }) => {
    const perSequence = tf.div(tf.sum(masked, 1), tf.maximum(tf.sum(mask, 1), 1)) as Tensor1D; // (B,)
    return { loss: tf.mean(perSequence) as Scalar, perSequence };
  },
  bnpo: ({ masked, mask }) => {
    const B = masked.shape[0];
    const tokens = tf.maximum(tf.sum(mask), 1); // ()
    const perSequence = tf.div(tf.mul(tf.sum(masked, 1), B), tokens) as Tensor1D; // (B,), mean = Σ/tokens
    return { loss: tf.div(tf.sum(masked), tokens) as Scalar, perSequence };
  },
  dr_grpo: ({ masked, maxCompletionLength }) => {
    if (maxCompletionLength === undefined) throw new Error('lossType dr_grpo needs maxCompletionLength (TRL max_completion_length)');
    const perSequence = tf.div(tf.sum(masked, 1), maxCompletionLength) as Tensor1D; // (B,)
    return { loss: tf.mean(perSequence) as Scalar, perSequence };
  },
};
