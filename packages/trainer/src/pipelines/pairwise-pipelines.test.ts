/**
 * End to end: `pairwise-rm` trains a generative judge whose final directory loads as `judge:` in
 * a `pairwise-ppo` run, which trains a policy with a value head (tiny random GPT-2 over bytes).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { PairwiseJudge } from '@prefstream/reward';
import { VALUE_HEAD_FILE } from '../models/policy-with-value-head.js';
import { runPipeline } from '../run/run-pipeline.js';
import { tempDir, tinyRunConfig, writeJsonl } from '../run/test-support/tiny-run.js';
import { resolvePipeline } from './pipeline-registry.js';

let dir: string;
const JUDGE = { template: '{prompt}|{a}|{b}|', verdicts: ['A', 'B'] };
const PAIRS = [
  { prompt: '1+1=', chosen: '2', rejected: '3' },
  { prompt: '2+2=', chosen: '4', rejected: '5' },
  { prompt: '3+1=', chosen: '4', rejected: '2' },
  { prompt: '2+3=', chosen: '5', rejected: '6' },
];
const PROMPTS = PAIRS.map(({ prompt, chosen }, i) => ({ prompt_id: `p${i}`, prompt, anchor: chosen }));

const readRows = async (output: string) =>
  (await readFile(join(output, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await tempDir('pairwise-');
});

describe('pairwise-rm → pairwise-ppo', () => {
  it('resolves both pipelines to their stage lists', () => {
    expect(resolvePipeline({ name: 'pairwise-rm', ...JUDGE }).stages.map((s) => s.kind)).toEqual(['pairwiseVerdicts', 'nllLoss', 'applyUpdates']);
    const ppo = resolvePipeline({ name: 'pairwise-ppo' });
    expect(ppo.trains).toBe('policy-value');
    expect(ppo.stages.map((s) => s.kind)).toEqual([
      'tokenize',
      'generateCandidates',
      'scoreWithReward',
      'tokenLogps',
      'referenceLogps',
      'ppoRollout',
      'ppoEpochs',
      'ppoLoss',
      'applyUpdates',
    ]);
    expect(ppo.stages[2]).toMatchObject({ reward: { kind: 'pairwise', model: 'judge', baseline: { from: 'column', column: 'anchor' }, conversion: 'centered' } });
  });

  it('trains a judge that loads back from final/ and from a checkpoint, then PPO against it: finite metrics, a value head, no leaks', async () => {
    const pairs = await writeJsonl(dir, 'pairs.jsonl', PAIRS);
    const judgeRun = join(dir, 'judge');
    const before = tf.memory().numTensors;
    const rm = await runPipeline(tinyRunConfig({ name: 'pairwise-rm', ...JUDGE }, pairs, judgeRun, { maxSteps: 3, epochs: 2, checkpoint: { every: 2 } }));
    expect(tf.memory().numTensors).toBe(before);
    expect(rm.step).toBe(3);
    const rmRows = await readRows(judgeRun);
    for (const row of rmRows) {
      for (const key of ['loss', 'verdict/accuracy', 'verdict/position_consistency', 'verdict/p_chosen']) expect(Number.isFinite(row[key]), `${key} = ${row[key]}`).toBe(true);
    }
    const judge = await PairwiseJudge.load(rm.finalDir!);
    expect(judge.options.verdicts).toEqual(['A', 'B']);
    const [p] = await judge.preferFirst([{ prompt: '1+1=', first: '2', second: '3' }]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    judge.dispose();
    (await PairwiseJudge.load(rm.lastCheckpoint!)).dispose();

    // Two rollout batches of 2 prompts × 2 samples, 2 epochs × 2 minibatches = 4 updates each;
    // maxSteps 6 stops inside the second rollout (its last 2 gradients are never applied).
    const prompts = await writeJsonl(dir, 'prompts.jsonl', PROMPTS);
    const ppoRun = join(dir, 'ppo');
    const pipeline = { name: 'pairwise-ppo', n: 2, epochs: 2, miniBatches: 2, generation: { maxNewTokens: 3, temperature: 1, topK: 0 } };
    const ppo = await runPipeline(tinyRunConfig(pipeline, prompts, ppoRun, { judge: rm.finalDir!, maxSteps: 6, checkpoint: { every: 4 } }));
    expect(tf.memory().numTensors).toBe(before);
    expect(ppo.step).toBe(6);
    const rows = await readRows(ppoRun);
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[4]!['objective/scores']).toBeDefined(); // the second rollout's metrics go with its first update
    for (const key of ['objective/kl', 'objective/scores', 'objective/entropy', 'reward/position_consistency']) expect(Number.isFinite(rows[0]![key]), `${key} = ${rows[0]![key]}`).toBe(true);
    expect(Math.abs(rows[0]!['objective/scores']!)).toBeLessThanOrEqual(0.5);
    for (const row of rows) {
      for (const key of ['loss', 'loss/policy_avg', 'loss/value_avg', 'policy/clipfrac_avg', 'val/clipfrac_avg', 'grad_norm']) expect(Number.isFinite(row[key]), `${key} = ${row[key]}`).toBe(true);
    }
    expect(rows[0]!['val/ratio']).toBeCloseTo(1, 4);
    expect(existsSync(join(ppo.finalDir!, VALUE_HEAD_FILE))).toBe(true);
    expect(existsSync(join(ppoRun, 'checkpoint-4', VALUE_HEAD_FILE))).toBe(true);
    // Resume from checkpoint-4 (policy and value head): the second rollout again, to step 8.
    const resumed = await runPipeline(tinyRunConfig(pipeline, prompts, ppoRun, { judge: rm.finalDir!, maxSteps: 8, checkpoint: { every: 4 }, resume: true }));
    expect(tf.memory().numTensors).toBe(before);
    expect(resumed.step).toBe(8);
    expect((await readRows(ppoRun)).map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // The same judge as RSO's pairwise ranker (RSO Eq. 7 against the first candidate).
    const rsoRun = join(dir, 'rso');
    const rso = { name: 'rso', n: 4, numSamples: 2, generation: { maxNewTokens: 3, temperature: 1, topK: 0 }, reward: { kind: 'pairwise', model: 'judge' } };
    expect((await runPipeline(tinyRunConfig(rso, prompts, rsoRun, { judge: rm.finalDir!, maxSteps: 1 }))).step).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite((await readRows(rsoRun))[0]!['reward/position_consistency'])).toBe(true);
  });
});
