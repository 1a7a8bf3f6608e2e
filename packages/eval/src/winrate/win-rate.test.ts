import { describe, expect, it } from 'vitest';
import { winRate } from './win-rate.js';

describe('winRate', () => {
  // 6 wins, 3 losses, 1 tie, z = 1.959964, z² = 3.841459.
  // decided: p = 6/9, n = 9: denom = 1 + z²/9 = 1.426829; centre = (0.666667 + z²/18)/denom = 0.616806;
  //   half = (z/denom)·√(p(1−p)/9 + z²/324) = 1.373650·0.191173 = 0.262605 → [0.354201, 0.879411].
  // overall: p = 6.5/10, n = 10: denom = 1.384146; centre = (0.65 + 0.192073)/denom = 0.608369;
  //   half = 1.416009·√(0.02275 + 0.009604) = 1.416009·0.179872 = 0.254701 → [0.353668, 0.863070].
  const outcomes = ['win', 'win', 'win', 'win', 'win', 'win', 'loss', 'loss', 'loss', 'tie'] as const;

  it('counts and intervals for 6 wins, 3 losses, 1 tie', () => {
    const r = winRate([...outcomes]);
    expect([r.wins, r.losses, r.ties, r.n]).toEqual([6, 3, 1, 10]);
    expect(r.decided!.estimate).toBeCloseTo(6 / 9, 12);
    expect(r.decided!.low).toBeCloseTo(0.354201, 4);
    expect(r.decided!.high).toBeCloseTo(0.879411, 4);
    expect(r.overall.estimate).toBeCloseTo(0.65, 12);
    expect(r.overall.low).toBeCloseTo(0.353668, 4);
    expect(r.overall.high).toBeCloseTo(0.86307, 4);
  });

  it('classifies probabilities with the tie margin', () => {
    const r = winRate([0.9, 0.56, 0.5, 0.44, 0.1], { tieMargin: 0.05 });
    expect([r.wins, r.losses, r.ties]).toEqual([2, 2, 1]);
    const strict = winRate([0.9, 0.56, 0.5, 0.44, 0.1]);
    expect([strict.wins, strict.losses, strict.ties]).toEqual([2, 2, 1]);
    const wide = winRate([0.56, 0.44], { tieMargin: 0.1 });
    expect(wide.ties).toBe(2);
    expect(wide.decided).toBeNull();
    expect(wide.overall.estimate).toBe(0.5);
  });

  it('names the index of a NaN or a bad value', () => {
    expect(() => winRate(['win', 0.3, Number.NaN])).toThrow(/outcome 2 is NaN/);
    expect(() => winRate([1.2])).toThrow(/outcome 0 is 1.2/);
    expect(() => winRate(['win', 'draw' as 'tie'])).toThrow(/outcome 1 is 'draw'/);
    expect(() => winRate([])).toThrow(/no outcomes/);
    expect(() => winRate(['win'], { tieMargin: 0.1, extra: 1 } as never)).toThrow();
  });
});
