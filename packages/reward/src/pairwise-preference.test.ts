import { describe, expect, it } from 'vitest';
import { positionConsistent, preferenceToReward, symmetricPreference, verdictProbability } from './pairwise-preference.js';

describe('pairwise preference math', () => {
  it('spec T4: logit(0.8) = 1.3862943611', () => {
    expect(preferenceToReward(0.8)).toBeCloseTo(1.3862943611, 10);
    expect(preferenceToReward(0.5)).toBe(0);
    expect(preferenceToReward(0.2)).toBeCloseTo(-1.3862943611, 10);
  });

  it('clamps saturated preferences to finite rewards at ±logit(1 − ε)', () => {
    // logit(1 − 1e-6) = ln((1 − 1e-6) / 1e-6) = 13.815509557963773
    expect(preferenceToReward(1)).toBeCloseTo(13.815509557963773, 6);
    expect(preferenceToReward(0)).toBeCloseTo(-13.815509557963773, 6);
    expect(preferenceToReward(1, 0.01)).toBeCloseTo(Math.log(99), 10);
    expect(Number.isNaN(preferenceToReward(Number.NaN))).toBe(true);
    expect(() => preferenceToReward(0.5, 0)).toThrow(RangeError);
  });

  it('renormalizes the two verdict logits: σ(ℓ_A − ℓ_B), stable at extremes', () => {
    expect(verdictProbability(2, 0)).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(verdictProbability(0, 0)).toBe(0.5);
    expect(verdictProbability(1000, 0)).toBe(1);
    expect(verdictProbability(0, 1000)).toBe(0);
    expect(verdictProbability(-3, 5) + verdictProbability(5, -3)).toBeCloseTo(1, 12);
  });

  it('averages both orders: ½·[P(y≻a | y first) + 1 − P(a≻y | a first)]', () => {
    // Table: (yFirst, aFirst) → P_sym, consistent
    const cases: [number, number, number, boolean][] = [
      [0.9, 0.3, 0.8, true], // y wins both ways
      [0.9, 0.7, 0.6, false], // "first always wins": position bias
      [0.2, 0.6, 0.3, true], // a wins both ways
      [0.5, 0.5, 0.5, false], // no winner
      [0.6, 0.6, 0.5, false], // pure position bias cancels to ½
    ];
    for (const [yFirst, aFirst, psym, consistent] of cases) {
      expect(symmetricPreference(yFirst, aFirst)).toBeCloseTo(psym, 12);
      expect(positionConsistent(yFirst, aFirst)).toBe(consistent);
    }
  });
});
