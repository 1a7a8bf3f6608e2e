/**
 * Batched, tensor-safe scoring of token sequences with the demo's models: learned rewards of a
 * RewardModel and summed completion log-probs of a CausalLM.
 */
import { tf } from '@prefstream/core';
import { packSequences, type CausalLM } from '@prefstream/model';
import type { RewardModel } from '@prefstream/reward';

/** Rows per forward pass: small sequences, so large batches fit easily. */
const BATCH = 128;

/** r(x, y) of each full sequence (prompt ids followed by completion ids, EOS included). */
export async function rewardsOf(model: RewardModel, sequences: readonly (readonly number[])[], padTokenId: number): Promise<Float64Array> {
  const out = new Float64Array(sequences.length);
  for (let start = 0; start < sequences.length; start += BATCH) {
    const chunk = sequences.slice(start, start + BATCH);
    const packed = packSequences(chunk, chunk.map(() => []), { padSide: 'right', padTokenId });
    const r = tf.tidy(() => model.rewards(packed));
    try {
      out.set(await r.data(), start);
    } finally {
      r.dispose();
    }
  }
  return out;
}

/** Σ_t log π(y_t | x, y_<t) over each completion's tokens (EOS included when present). */
export async function completionLogpsOf(
  model: CausalLM,
  prompts: readonly (readonly number[])[],
  completions: readonly (readonly number[])[],
  padTokenId: number,
): Promise<Float64Array> {
  const out = new Float64Array(prompts.length);
  for (let start = 0; start < prompts.length; start += BATCH) {
    const packed = packSequences(prompts.slice(start, start + BATCH), completions.slice(start, start + BATCH), { padSide: 'right', padTokenId });
    const logps = tf.tidy(() => model.sequenceLogps(packed).logps);
    try {
      out.set(await logps.data(), start);
    } finally {
      logps.dispose();
    }
  }
  return out;
}
