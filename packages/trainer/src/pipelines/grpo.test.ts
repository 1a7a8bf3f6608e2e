import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkColumnFlow, definePipeline, initBackend, tf } from '@prefstream/core';
import { tempDir, tinyRunConfig, writeJsonl } from '../run/test-support/tiny-run.js';
import { grpo } from '../run/pipeline-factories.js';
import { createStageRegistry } from './stage-registry.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const PROMPTS = ['hi: ', 'ok? ', 'say a: ', 'wave: '].map((prompt, i) => ({ prompt_id: `p${i}`, prompt }));
/** Few ties on 3-token completions: the sum of the completion's char codes. */
const charSum = (_prompt: string, completion: string) => [...completion].reduce((sum, c) => sum + c.charCodeAt(0), 0) / 1000;
const GENERATE = { maxNewTokens: 3 };

describe('grpo pipeline', () => {
  it('lists its stages by option and the column flow checks from prompt rows', () => {
    const kinds = (o: Parameters<typeof grpo>[0]) => grpo(o).stages.map((s) => s.kind);
    expect(kinds({})).toEqual(['tokenize', 'generateCandidates', 'scoreWithReward', 'groupAdvantages', 'grpoLoss', 'applyUpdates']);
    expect(kinds({ beta: 0.04, iterations: 2 })).toEqual(['tokenize', 'generateCandidates', 'scoreWithReward', 'groupAdvantages', 'referenceLogps', 'tokenLogps', 'grpoLoss', 'applyUpdates']);
    const full = grpo({ beta: 0.04, iterations: 2, numGenerations: 4, epsilonHigh: 0.28, lossType: 'dr_grpo', generation: GENERATE });
    expect(full.stages.find((s) => s.kind === 'generateCandidates')).toMatchObject({ n: 4, temperature: 1, topK: 0, maxNewTokens: 3 });
    expect(full.stages.find((s) => s.kind === 'grpoLoss')).toMatchObject({ beta: 0.04, iterations: 2, epsilonHigh: 0.28, lossType: 'dr_grpo', maxCompletionLength: 3 });
    const flow = checkColumnFlow(definePipeline(createStageRegistry(), full.stages), ['prompt_id', 'prompt']);
    expect(flow.output).toBe('batch');
    expect(() => grpo({ numGenerations: 1 })).toThrow(/numGenerations/);
  });

  it('runs end to end with μ = 2: generate → (gradient → update) × μ, TRL metrics, no leaks', async () => {
    const dir = await tempDir('prefstream-grpo-');
    // one source batch of 2 prompts × 4 completions; the run ends with the data
    const data = await writeJsonl(dir, 'prompts.jsonl', PROMPTS.slice(0, 2));
    const output = join(dir, 'run');
    const before = tf.memory().numTensors;
    const pipeline = grpo({ numGenerations: 4, beta: 0.04, iterations: 2, generation: GENERATE, reward: { kind: 'function', fn: 'charSum' } });
    const result = await pipeline.run({ ...tinyRunConfig(pipeline.config, data, output), optimizer: { name: 'adamw', learningRate: 0.05, weightDecay: 0 } }, { resources: { charSum } });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ step: 2, stopped: false });
    const rows = await metricRows(output);
    expect(rows.map((r) => r.step)).toEqual([1, 2]);
    expectFinite(rows, ['loss', 'grad_norm', 'kl', 'clip_ratio/region_mean', 'clip_ratio/low_mean', 'clip_ratio/high_mean', 'completions/mean_length']);
    // the generation batch's metrics land on its first update
    expectFinite(rows.slice(0, 1), ['reward', 'reward_std', 'frac_reward_zero_std']);
    // Update 1 is iteration 1: πθ = πθold = π_ref, so ratio = 1, k3 = 0 and the loss is −mean(A) = 0
    // (the advantages of equal-size groups sum to 0).
    expect(Math.abs(rows[0]!.kl!)).toBeLessThan(1e-6);
    expect(Math.abs(rows[0]!.loss!)).toBeLessThan(1e-5);
    // Update 2 is iteration 2 of the same batch: its gradient was taken after update 1, so the
    // policy has left both πθold and π_ref (were both gradients computed first, both would be 0).
    expect(rows[1]!.kl).toBeGreaterThan(1e-7);
    expect(Math.abs(rows[1]!.loss!)).toBeGreaterThan(1e-4);
  }, 60_000);

  it('runs μ = 1 over several batches up to maxSteps', async () => {
    const dir = await tempDir('prefstream-grpo-');
    const data = await writeJsonl(dir, 'prompts.jsonl', PROMPTS);
    const output = join(dir, 'run');
    const pipeline = grpo({ numGenerations: 3, scaleRewards: 'batch', generation: GENERATE, reward: { kind: 'function', fn: 'charSum' } });
    const result = await pipeline.run({ ...tinyRunConfig(pipeline.config, data, output), maxSteps: 2 }, { resources: { charSum } });
    expect(result.step).toBe(2);
    const rows = await metricRows(output);
    expect(rows.map((r) => r.step)).toEqual([1, 2]);
    expectFinite(rows, ['loss', 'grad_norm', 'reward', 'reward_std', 'frac_reward_zero_std', 'clip_ratio/region_mean']);
    expect(rows[0]!.kl).toBeUndefined();
  }, 60_000);
});

async function metricRows(output: string): Promise<Record<string, number>[]> {
  return (await readFile(join(output, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
}

function expectFinite(rows: readonly Record<string, number>[], keys: readonly string[]): void {
  for (const row of rows) for (const key of keys) expect(Number.isFinite(row[key]), `step ${row.step}: ${key} = ${row[key]}`).toBe(true);
}
