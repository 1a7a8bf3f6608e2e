/**
 * The real `grpo` pipeline through runPipeline on a tabular policy and a one-prompt bandit (the
 * CoPG paper's toy, spec §5: R = (2.5, 2, 1), uniform π_ref): sampled groups of G = 8, the real
 * reward, advantage, reference and loss stages. Its expected update is `grpoExpectedUpdate` with
 * groupSize 8 (each group's own mean and Bessel std), so with the k3 term it stops at that
 * update's zero — solved by enumeration in @prefstream/eval — and not at π*; without it, it
 * concentrates on the best arm. Adam with a linearly decaying rate averages the sampling noise.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { groupScaledFixedPoint, optimalPolicy, solveGrpoFixedPoint, totalVariation } from '@prefstream/eval';
import type { RunConfigInput } from '../run/run-config.js';
import { runPipeline } from '../run/run-pipeline.js';

const TOY = { kind: 'bandit' as const, rewards: [2.5, 2, 1], referenceProbs: [1 / 3, 1 / 3, 1 / 3], mu1: [1 / 3, 1 / 3, 1 / 3], seed: 3, beta: 0.5 };
const G = 8;

let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(join(tmpdir(), 'prefstream-grpo-bandit-'));
});

interface Report {
  policy: number[];
  optimum: number[] | null;
  method: string;
  regretCurve: unknown[];
}

async function trainedPolicy(name: string, beta: number, updates: number, decay = true): Promise<Report> {
  const promptsPerUpdate = 16;
  const config = {
    pipeline: { name: 'grpo', numGenerations: G, beta, generation: { maxNewTokens: 1 }, reward: { kind: 'function', fn: 'banditReward' } },
    policy: { kind: 'tabular' },
    data: { ...TOY, pairs: promptsPerUpdate * updates },
    optimizer: { name: 'adam', learningRate: decay ? 0.05 : 0.1, maxGradNorm: null, ...(decay ? { schedule: { kind: 'linear', totalSteps: updates } } : {}) },
    batchRows: promptsPerUpdate,
    epochs: 1,
    output: join(dir, name),
  } as RunConfigInput;
  const before = tf.memory().numTensors;
  await runPipeline(config);
  expect(tf.memory().numTensors).toBe(before);
  const report = JSON.parse(await readFile(join(config.output, 'report.json'), 'utf8')) as Report;
  expect(report.regretCurve.length).toBeGreaterThan(updates / 2);
  expect(report.method).toBe('grpo');
  return report;
}

describe('grpo on a bandit through runPipeline', () => {
  it('with β·k3 it converges to the enumerated G = 8 fixed point, 0.17 in TV from π*', async () => {
    const fixed = solveGrpoFixedPoint(TOY.rewards, TOY.referenceProbs, { beta: 0.5, scaleRewards: 'group', groupSize: G }).probabilities;
    const piStar = optimalPolicy({ rewards: TOY.rewards, referenceProbs: TOY.referenceProbs, beta: 0.5 });
    expect(totalVariation(fixed, piStar)).toBeGreaterThan(0.15);
    const { policy, optimum } = await trainedPolicy('kl', 0.5, 250);
    expect(totalVariation(optimum!, fixed)).toBeLessThan(1e-9); // report.json's optimum is that point
    // measured: TV 0.0014 to (0.8451, 0.0897, 0.0651)
    expect(totalVariation(policy, fixed), `${policy} vs ${Array.from(fixed)}`).toBeLessThan(0.01);
    expect(totalVariation(policy, piStar)).toBeGreaterThan(0.15);
    // and the group size matters: the G → ∞ point (0.8823, 0.0868, 0.0309) is 0.037 away
    expect(totalVariation(policy, groupScaledFixedPoint(TOY.rewards, TOY.referenceProbs, 0.5))).toBeGreaterThan(0.02);
  }, 120_000);

  it('without the KL term it concentrates on the best arm', async () => {
    // constant rate: once π is concentrated most groups are all-best (zero std, A = 0) and the rest push on
    const { policy, optimum } = await trainedPolicy('no-kl', 0, 100, false);
    expect(policy[0]).toBeGreaterThan(0.98);
    expect(optimum).toEqual([1, 0, 0]);
  }, 120_000);
});
