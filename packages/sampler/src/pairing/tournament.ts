/**
 * `tournament` pairing: a single-elimination bracket over the shuffled candidates, the winner of
 * each match being the higher reward (SLiC-HF's sample-rank tournament, arXiv 2305.10425; RSO
 * §3.3). Every match is a pair, so K candidates give exactly K − 1 pairs; an odd player out in a
 * round gets a bye. Equal rewards: the earlier bracket position advances.
 */
import type { Rng } from '@prefstream/core';
import { shuffledIndices } from '../internal/shuffled-indices.js';

/** @example tournamentPairs(Float32Array.of(1, 2, 3, 4), createRng(0)).length; // 6 (3 pairs) */
export function tournamentPairs(rewards: Float32Array, rng: Rng): Int32Array {
  let round = shuffledIndices(rewards.length, rng);
  const pairs = new Int32Array(2 * Math.max(0, rewards.length - 1));
  let n = 0;
  while (round.length > 1) {
    const next: number[] = [];
    for (let i = 0; i + 1 < round.length; i += 2) {
      const a = round[i]!;
      const b = round[i + 1]!;
      pairs[n++] = a;
      pairs[n++] = b;
      next.push(rewards[b]! > rewards[a]! ? b : a);
    }
    if (round.length % 2 === 1) next.push(round[round.length - 1]!); // bye
    round = next;
  }
  return pairs;
}
