/**
 * Log-probs without gradients, as plain arrays (reference log-probs, scoring).
 */
import { tf } from '@prefstream/core';
import type { LogProbModel, PackedBatch } from './policy.js';

/**
 * @returns `logps[b]` = Σ log-probs of row b's completion tokens; `tokenLogps[b]` = the
 * per-token log-probs of row b's completion tokens only, in order (length `completionLengths[b]`).
 * Every tensor it creates is disposed.
 * @example
 * const { logps } = await computeLogps(model, packSequences(prompts, completions, { padSide: 'right', padTokenId: 0 }));
 */
export async function computeLogps(model: LogProbModel, batch: PackedBatch): Promise<{ logps: Float32Array; tokenLogps: Float32Array[] }> {
  const out = tf.tidy(() => {
    const r = model.sequenceLogps(batch);
    return [r.logps, r.tokenLogps];
  });
  try {
    const [sums, perToken] = (await Promise.all(out.map((t) => t.data()))) as [Float32Array, Float32Array];
    const T = batch.seqLen;
    const tokenLogps = Array.from({ length: batch.batchSize }, (_, b) => {
      const values: number[] = [];
      for (let t = 0; t < T; t++) if (batch.completionMask[b * T + t]) values.push(perToken[b * T + t]!);
      return Float32Array.from(values);
    });
    return { logps: Float32Array.from(sums), tokenLogps };
  } finally {
    tf.dispose(out);
  }
}
