import { describe, expect, it } from 'vitest';
import { gae, tokenRewards, whiten } from './ppo-advantages.js';

describe('tokenRewards', () => {
  it('is −β·(logπ_old − logπ_ref) per token with the score added on the last token', () => {
    // t0: −0.1·(−1 + 1.5) = −0.05; t1: −0.1·(−2 + 1) + 0.5 = 0.6
    const r = tokenRewards([-1, -2], [-1.5, -1], 0.5, 0.1);
    expect(r[0]).toBeCloseTo(-0.05, 12);
    expect(r[1]).toBeCloseTo(0.6, 12);
    expect([...tokenRewards([], [], 1, 0.1)]).toEqual([]);
    expect(() => tokenRewards([1], [], 0, 0.1)).toThrow(/1 behaviour log-probs but 0 reference/);
  });
});

describe('gae', () => {
  it('matches a hand-computed three-token example (γ = 0.9, λ = 0.8)', () => {
    // t2: δ = 1 + 0 − 0.3 = 0.7                      A = 0.7                 R = 1.0
    // t1: δ = −0.2 + 0.9·0.3 − 0.4 = −0.33          A = −0.33 + 0.72·0.7 = 0.174     R = 0.574
    // t0: δ = 0.1 + 0.9·0.4 − 0.5 = −0.04           A = −0.04 + 0.72·0.174 = 0.08528 R = 0.58528
    const { advantages, returns } = gae([0.1, -0.2, 1.0], [0.5, 0.4, 0.3], 0.9, 0.8);
    [0.08528, 0.174, 0.7].forEach((a, t) => expect(advantages[t]).toBeCloseTo(a, 12));
    [0.58528, 0.574, 1.0].forEach((r, t) => expect(returns[t]).toBeCloseTo(r, 12));
  });

  it('with γ = λ = 1 gives returns equal to the reward-to-go (Monte Carlo)', () => {
    const { returns } = gae([1, 2, 3], [7, -4, 0.5], 1, 1);
    expect([...returns]).toEqual([6, 5, 3]);
  });

  it('with λ = 0 is the one-step TD error', () => {
    const { advantages } = gae([1, 0], [0.5, 2], 0.5, 0);
    expect(advantages[0]).toBeCloseTo(1 + 0.5 * 2 - 0.5, 12);
    expect(advantages[1]).toBeCloseTo(0 - 2, 12);
  });
});

describe('whiten', () => {
  it('centres and scales by the unbiased std over every token of the batch (TRL masked_whiten)', () => {
    // tokens 1, 2, 3: mean 2, unbiased variance (1 + 0 + 1)/2 = 1
    const [a, b] = whiten([Float64Array.of(1, 2), Float64Array.of(3)]);
    expect(a![0]).toBeCloseTo(-1, 6);
    expect(a![1]).toBeCloseTo(0, 12);
    expect(b![0]).toBeCloseTo(1, 6);
    // shiftMean false adds the mean back: TRL's reward whitening
    const [c] = whiten([Float64Array.of(1, 2, 3)], false);
    expect(c![0]).toBeCloseTo(1, 6);
  });

  it('leaves a single token centred and empty batches empty', () => {
    expect([...whiten([Float64Array.of(5)])[0]!]).toEqual([0]);
    expect(whiten([new Float64Array(0)])[0]!.length).toBe(0);
  });
});
