/**
 * Reads and writes the reward head `score.weight` [1, D] inside a Hugging Face model directory, the
 * way `AutoModelForSequenceClassification` stores it: among the LM's tensors in
 * `model.safetensors` (or its shards), through the model package's checkpoint IO.
 */
import { CheckpointReader, float32ToRaw, writeCheckpoint, type RawTensor } from '@prefstream/model';

export const SCORE_WEIGHT = 'score.weight';

/** Adds (or replaces) `score.weight` [1, D] float32 in the checkpoint at `dir`; re-shards as needed. */
export async function writeScoreHead(dir: string, weight: Float32Array): Promise<void> {
  const reader = await CheckpointReader.open(dir);
  const tensors = new Map<string, RawTensor>();
  try {
    for (const name of reader.names()) if (name !== SCORE_WEIGHT) tensors.set(name, await reader.read(name));
  } finally {
    await reader.close();
  }
  tensors.set(SCORE_WEIGHT, float32ToRaw(weight, [1, weight.length], 'F32'));
  await writeCheckpoint(dir, tensors);
}

/** `score.weight` of the checkpoint at `dir` (any float dtype, as float32), or undefined when it has none. */
export async function readScoreHead(dir: string): Promise<{ values: Float32Array; shape: readonly number[] } | undefined> {
  const reader = await CheckpointReader.open(dir);
  try {
    if (!reader.has(SCORE_WEIGHT)) return undefined;
    const { values, shape } = await reader.readFloat32(SCORE_WEIGHT);
    return { values, shape };
  } finally {
    await reader.close();
  }
}
