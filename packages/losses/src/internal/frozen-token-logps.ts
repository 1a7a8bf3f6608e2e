/**
 * Per-token log-probs of many completions under a model, `microBatchSize` sequences per forward,
 * with no gradient tape and every tensor disposed (also when a forward throws).
 */
import { computeLogps, packSequences, type LogProbModel, type PackSequencesOptions } from '@prefstream/model';

/** Row i: log π(y_t | x, y_<t) for each kept completion token t of completion i, in order. */
export async function frozenTokenLogps(
  model: LogProbModel,
  prompts: readonly Int32Array[],
  completions: readonly Int32Array[],
  microBatchSize: number,
  packing: PackSequencesOptions,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < completions.length; start += microBatchSize) {
    const end = Math.min(start + microBatchSize, completions.length);
    const packed = packSequences(prompts.slice(start, end), completions.slice(start, end), packing);
    const { tokenLogps } = await computeLogps(model, packed);
    out.push(...tokenLogps);
  }
  return out;
}
