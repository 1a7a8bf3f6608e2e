/**
 * The CoPG paper's toy bandit (arXiv 2406.19185; spec §5): R = (2.5, 2, 1), β = 0.5, uniform π_ref,
 * first responses from μ1 = (0.1, 0.2, 0.7), second from μ2 = (0.05, 0.05, 0.9). Each method is
 * trained on its exact expected loss with the real loss registry and scored by the oracle.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { methodOptimum } from '../bandit/method-optima.js';
import { totalVariation } from '../bandit/distributions.js';
import { trainBandit, type BanditRun, type TrainBanditOptionsInput } from './train-bandit.js';

const bandit = { rewards: [2.5, 2, 1], referenceProbs: [1 / 3, 1 / 3, 1 / 3], beta: 0.5 };
const toy = { bandit, mu1: [0.1, 0.2, 0.7], mu2: [0.05, 0.05, 0.9], steps: 300, learningRate: 0.1 } satisfies Partial<TrainBanditOptionsInput>;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

let baseline = 0;
let run: BanditRun | undefined;
beforeEach(() => {
  baseline = tf.memory().numTensors;
});
afterEach(() => {
  run?.policy.dispose();
  run = undefined;
  expect(tf.memory().numTensors).toBe(baseline);
});

describe("trainBandit on the CoPG paper's toy", () => {
  it('CoPG reaches zero regret', () => {
    run = trainBandit({ ...toy, method: 'copg' });
    expect(run.regret).toBeLessThan(1e-3);
    expect(run.tvToOptimum).toBeLessThan(1e-3);
    expect(run.regretCurve[0]!.regret).toBeGreaterThan(0.1);
    expect(run.regretCurve.at(-1)!.step).toBe(300);
  });

  it('IPO converges to its own optimum, which has positive regret', () => {
    run = trainBandit({ ...toy, method: 'ipo', tau: 0.5 });
    const optimum = methodOptimum('ipo', { bandit, mu1: toy.mu1, mu2: toy.mu2, tau: 0.5 });
    expect(totalVariation(run.probabilities, optimum)).toBeLessThan(1e-3);
    expect(run.regret).toBeGreaterThan(0.05);
  });

  it('DPO with soft Bradley–Terry labels reaches π*', () => {
    run = trainBandit({ ...toy, method: 'dpo' });
    expect(run.regret).toBeLessThan(1e-3);
    expect(run.tvToOptimum).toBeLessThan(1e-3);
  });

  it('off-policy PG without baseline stays biased (π ∝ μ1·R)', () => {
    run = trainBandit({ ...toy, method: 'off-policy-pg' });
    expect(run.regret).toBeGreaterThan(0.05);
    expect(run.tvToOptimum).toBeLessThan(1e-3);
  });

  it('RSO with γ reaches temperature γ; the optimum does not depend on the start', () => {
    run = trainBandit({ ...toy, method: 'rso', gamma: 0.8, init: 'random', seed: 7 });
    expect(run.tvToOptimum).toBeLessThan(1e-3);
  });

  it('names unknown methods and mismatched data distributions', () => {
    expect(() => trainBandit({ ...toy, method: 'kto' })).toThrow(/known: dpo, ipo, copg, rso, off-policy-pg/);
    expect(() => trainBandit({ ...toy, method: 'copg', mu2: [0.5, 0.5] })).toThrow(/mu2 has 2 entries/);
    expect(() => trainBandit({ ...toy, method: 'copg', extra: 1 } as TrainBanditOptionsInput)).toThrow();
  });
});
