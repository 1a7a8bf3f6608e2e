import { describe, expect, it } from 'vitest';
import { computeGroupAdvantages } from './group-advantages.js';

// Reference values from TRL's formula in float64: mean per group, Bessel std (torch nanstd),
// advantages (r − mean_g)/(std + 1e-4); group b has zero variance, c has two members.
const IDS = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c'];
const REWARDS = [1, 0, 0, 2, 2, 2, 0.5, 1.5];
const EXPECTED = {
  group: [1.154500573014269, -0.5772502865071344, -0.5772502865071344, 0, 0, 0, -0.7070067953266834, 0.7070067953266834],
  batch: [0.7607097244114319, -0.3803548622057159, -0.3803548622057159, 0, 0, 0, -0.5705322933085739, 0.5705322933085739],
  none: [2 / 3, -1 / 3, -1 / 3, 0, 0, 0, -0.5, 0.5],
} as const;

describe('computeGroupAdvantages', () => {
  it.each(['group', 'batch', 'none'] as const)('scaleRewards %s matches TRL', (scale) => {
    const { advantages, groups } = computeGroupAdvantages(IDS, REWARDS, scale);
    expect(groups).toBe(3);
    Array.from(advantages).forEach((a, i) => expect(a).toBeCloseTo(EXPECTED[scale][i]!, 12));
  });

  it('flags zero-std groups (TRL frac_reward_zero_std counts their completions)', () => {
    expect(computeGroupAdvantages(IDS, REWARDS, 'group').zeroStd).toEqual([false, false, false, true, true, true, false, false]);
    expect(computeGroupAdvantages(IDS, REWARDS, 'none').zeroStd.filter(Boolean)).toHaveLength(3);
    expect(computeGroupAdvantages(IDS, REWARDS, 'batch').zeroStd.some(Boolean)).toBe(false);
  });

  it('groups by id, not by position, and a group of one has advantage 0', () => {
    const shuffled = [6, 0, 3, 1, 7, 4, 2, 5];
    const { advantages } = computeGroupAdvantages(shuffled.map((i) => IDS[i]!), shuffled.map((i) => REWARDS[i]!), 'group');
    shuffled.forEach((i, k) => expect(advantages[k]).toBeCloseTo(EXPECTED.group[i]!, 12));
    const single = computeGroupAdvantages(['x'], [3], 'group');
    expect(Array.from(single.advantages)).toEqual([0]);
    expect(single.zeroStd).toEqual([true]);
  });
});
