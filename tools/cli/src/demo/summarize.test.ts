import { describe, expect, it } from 'vitest';
import { meanCi, summarize } from './summarize.js';
import type { PolicySamples } from './policy-samples.js';

const samples = (gold: number[], learned: number[], policyLogps: number[], sftLogps: number[]): PolicySamples => ({
  completions: gold.map(String),
  gold: Float64Array.from(gold),
  learned: Float64Array.from(learned),
  policyLogps: Float64Array.from(policyLogps),
  sftLogps: Float64Array.from(sftLogps),
});

describe('demo summaries', () => {
  it('meanCi is mean ± 1.96·sd/√n with the n − 1 variance', () => {
    // mean 2.5; sample variance 5/3; se = √(5/3/4) = 0.645497; half = 1.959964 × 0.645497 = 1.265151.
    const m = meanCi([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.low).toBeCloseTo(2.5 - 1.265151, 5);
    expect(m.high).toBeCloseTo(2.5 + 1.265151, 5);
    expect(m.n).toBe(4);
    expect(() => meanCi([])).toThrow(/no values/);
  });

  it('counts wins, losses and ties against SFT per prompt under each judge, and the exact rate', () => {
    const sft = samples([1, 0.5, 0.5, 0], [0.1, 0.2, 0.3, 0.4], [-1, -1, -1, -1], [-1, -1, -1, -1]);
    const policy = samples([1, 1, 0, 0.5], [0.1, 0.5, 0.1, 0.9], [-0.5, -0.5, -0.5, -0.5], [-1, -1, -1, -1]);
    const s = summarize(policy, sft);
    expect([s.winGold!.wins, s.winGold!.losses, s.winGold!.ties]).toEqual([2, 1, 1]);
    expect([s.winLearned!.wins, s.winLearned!.losses, s.winLearned!.ties]).toEqual([2, 1, 1]);
    expect(s.exact.mean).toBe(0.5);
    expect(s.kl!.k1.mean).toBeCloseTo(0.5, 12); // mean(log π − log π_SFT)
    expect(s.kl!.k3.mean).toBeCloseTo(Math.expm1(-0.5) + 0.5, 12); // r − 1 − log r, r = e^−0.5
    const own = summarize(sft, undefined);
    expect([own.winGold, own.winLearned, own.kl]).toEqual([null, null, null]);
  });
});
