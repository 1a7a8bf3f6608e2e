/**
 * Source batches that make several updates each (GRPO's μ iterations): every step gets its row,
 * `maxSteps` stops at the exact update, and a checkpoint holds the weights of its stream position.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { grpo } from './pipeline-factories.js';
import { readWeights, tempDir, tinyRunConfig, writeJsonl } from './test-support/tiny-run.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const PROMPTS = ['hi: ', 'ok? ', 'say a: '].map((prompt, i) => ({ prompt_id: `p${i}`, prompt }));
const charSum = (_prompt: string, completion: string) => [...completion].reduce((sum, c) => sum + c.charCodeAt(0), 0) / 1000;
/** μ = 2: each one-prompt source batch makes two updates. */
const pipeline = grpo({ numGenerations: 3, iterations: 2, generation: { maxNewTokens: 3 }, reward: { kind: 'function', fn: 'charSum' } });

async function steps(output: string): Promise<number[]> {
  const text = await readFile(join(output, 'metrics.jsonl'), 'utf8');
  return text.trim().split('\n').map((line) => (JSON.parse(line) as { step: number }).step);
}

describe('runs whose source batches make several updates', () => {
  it('write every row, stop at maxSteps exactly, and checkpoint only at batch ends', async () => {
    const dir = await tempDir('prefstream-mu-');
    const data = await writeJsonl(dir, 'prompts.jsonl', PROMPTS);
    const base = (output: string, maxSteps: number) => ({
      ...tinyRunConfig(pipeline.config, data, join(dir, output), { batchRows: 1, maxSteps }),
      checkpoint: { every: 3 },
    });
    const before = tf.memory().numTensors;
    const long = await pipeline.run(base('long', 5), { resources: { charSum } });
    expect(tf.memory().numTensors).toBe(before);
    expect(long.step).toBe(5); // the 6th iteration of the third batch is not applied
    expect(await steps(join(dir, 'long'))).toEqual([1, 2, 3, 4, 5]);
    // every = 3 falls inside batch 2 (updates 3, 4): the checkpoint waits for the batch's end
    expect(long.lastCheckpoint).toMatch(/checkpoint-4$/);

    const short = await pipeline.run(base('short', 4), { resources: { charSum } });
    expect(short.step).toBe(4);
    const [atCheckpoint, reference] = await Promise.all([readWeights(join(long.lastCheckpoint!, 'model.safetensors')), readWeights(join(short.finalDir!, 'model.safetensors'))]);
    for (const [name, values] of reference) expect(atCheckpoint.get(name), name).toEqual(values);
  }, 60_000);
});
