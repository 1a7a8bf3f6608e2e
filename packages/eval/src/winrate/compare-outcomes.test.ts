import { describe, expect, it } from 'vitest';
import { compareByPreference, compareByReward } from './compare-outcomes.js';
import { winRate } from './win-rate.js';

describe('compareByReward', () => {
  it('wins, losses and ties by reward difference', () => {
    // differences: 0.5, −0.05, 0, −2 with margin 0.1 → win, tie, tie, loss
    expect(compareByReward([1, 0.2, 3, 0], [0.5, 0.25, 3, 2], { tieMargin: 0.1 })).toEqual(['win', 'tie', 'tie', 'loss']);
    expect(compareByReward(new Float32Array([1, 0]), [0, 0])).toEqual(['win', 'tie']);
  });

  it('feeds winRate', () => {
    const r = winRate(compareByReward([2, 2, 0], [1, 1, 1]));
    expect(r.decided!.estimate).toBeCloseTo(2 / 3, 12);
  });

  it('names the index of a NaN and a length mismatch', () => {
    expect(() => compareByReward([1, Number.NaN], [0, 0])).toThrow(/policy reward 1 is NaN/);
    expect(() => compareByReward([1, 1, 1], [0, 0, Number.NaN])).toThrow(/reference reward 2 is NaN/);
    expect(() => compareByReward([1], [0, 0])).toThrow(/1 policy rewards but 2/);
  });
});

describe('compareByPreference', () => {
  it('uses 0.5 ± tieMargin', () => {
    expect(compareByPreference([0.9, 0.52, 0.1, 0.5], { tieMargin: 0.05 })).toEqual(['win', 'tie', 'loss', 'tie']);
    expect(compareByPreference([0.52, 0.48])).toEqual(['win', 'loss']);
  });

  it('names the index of a NaN', () => {
    expect(() => compareByPreference([0.2, 0.7, Number.NaN])).toThrow(/preference 2 is NaN/);
    expect(() => compareByPreference([0.2], { tieMargin: 0.6 })).toThrow(/tieMargin/);
  });
});
