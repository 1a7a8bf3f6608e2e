/**
 * `first-round` pairing (RSO's default, arXiv 2309.06657 §3.3): shuffle the candidates, then pair
 * them consecutively into ⌊K/2⌋ disjoint pairs (8 accepted samples → 4 pairs). With odd K the
 * last shuffled candidate is left out.
 */
import type { Rng } from '@prefstream/core';
import { shuffledIndices } from '../internal/shuffled-indices.js';

/** @example firstRoundPairs(Float32Array.of(1, 2, 3, 4), createRng(0)).length; // 4 (2 pairs) */
export function firstRoundPairs(rewards: Float32Array, rng: Rng): Int32Array {
  const order = shuffledIndices(rewards.length, rng);
  const pairs = new Int32Array(2 * Math.floor(order.length / 2));
  for (let i = 0; i < pairs.length; i++) pairs[i] = order[i]!;
  return pairs;
}
