import { describe, expect, it } from 'vitest';
import { createRng } from '@prefstream/core';
import { PAIRING_STRATEGIES, PAIRING_STRATEGY_NAMES } from './pairing-strategies.js';
import { firstRoundPairs } from './first-round.js';
import { tournamentPairs } from './tournament.js';
import { bestVsWorstPairs } from './best-vs-worst.js';
import { allPairs } from './all-pairs.js';

const asPairs = (flat: Int32Array) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!] as const);
const distinct = (k: number, seed: number) => {
  const rng = createRng(seed);
  return Float32Array.from(rng.shuffle(Array.from({ length: k }, (_, i) => i * 0.25)));
};

describe('pairing strategies', () => {
  it('registers the four strategies by name', () => {
    expect(PAIRING_STRATEGY_NAMES).toEqual(['first-round', 'tournament', 'best-vs-worst', 'all-pairs']);
    expect(Object.keys(PAIRING_STRATEGIES)).toEqual(PAIRING_STRATEGY_NAMES);
  });

  it('first-round: 8 → 4 disjoint pairs covering every candidate; odd K leaves one out', () => {
    const pairs = firstRoundPairs(distinct(8, 1), createRng(1));
    expect(pairs.length).toBe(8);
    expect([...pairs].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(firstRoundPairs(distinct(7, 1), createRng(1)).length).toBe(6);
    expect(Array.from(firstRoundPairs(distinct(8, 1), createRng(1)))).toEqual(Array.from(pairs));
    const shuffles = new Set(Array.from({ length: 10 }, (_, s) => Array.from(firstRoundPairs(distinct(8, 1), createRng(s))).join()));
    expect(shuffles.size).toBeGreaterThan(1);
  });

  it.each([1, 2, 3, 5, 8, 9])('tournament over %i candidates: K − 1 matches, each loser eliminated once', (k) => {
    const rewards = distinct(k, k);
    const pairs = asPairs(tournamentPairs(rewards, createRng(k)));
    expect(pairs).toHaveLength(k - 1);
    const losses = new Array<number>(k).fill(0);
    for (const [a, b] of pairs) losses[rewards[a]! > rewards[b]! ? b : a]!++;
    const champion = rewards.indexOf(Math.max(...rewards));
    losses.forEach((l, i) => expect(l).toBe(i === champion ? 0 : 1));
  });

  it('best-vs-worst: one pair, max against min, ties by index', () => {
    expect(Array.from(bestVsWorstPairs(Float32Array.of(1, 3, 0, 3, 0), createRng(0)))).toEqual([1, 2]);
    expect(Array.from(bestVsWorstPairs(Float32Array.of(2, 2, 2), createRng(0)))).toEqual([0, 1]);
    expect(Array.from(bestVsWorstPairs(Float32Array.of(5), createRng(0)))).toEqual([]);
  });

  it('all-pairs: K(K − 1)/2 pairs in index order', () => {
    expect(asPairs(allPairs(Float32Array.of(1, 2, 3), createRng(0)))).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(allPairs(new Float32Array(8), createRng(0)).length / 2).toBe(28);
    expect(allPairs(new Float32Array(1), createRng(0)).length).toBe(0);
  });
});
