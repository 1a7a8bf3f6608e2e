/**
 * Summed log-probs of many sequences under a frozen model, `microBatchSize` sequences per
 * forward, with no gradient tape and every tensor disposed (also when a forward throws).
 */
import { tf } from '@prefstream/core';
import { packSequences, type LogProbModel, type PackSequencesOptions } from '@prefstream/model';

/** (N,) Σ log π(completion_i | prompt_i). */
export async function frozenLogps(
  model: LogProbModel,
  prompts: readonly Int32Array[],
  completions: readonly Int32Array[],
  microBatchSize: number,
  packing: PackSequencesOptions,
): Promise<Float32Array> {
  const out = new Float32Array(completions.length);
  for (let start = 0; start < completions.length; start += microBatchSize) {
    const end = Math.min(start + microBatchSize, completions.length);
    const packed = packSequences(prompts.slice(start, end), completions.slice(start, end), packing);
    const logps = tf.tidy(() => model.sequenceLogps(packed).logps); // (b,)
    try {
      out.set((await logps.data()) as Float32Array, start);
    } finally {
      logps.dispose();
    }
  }
  return out;
}
