/**
 * `all-pairs` pairing: every unordered pair of candidates, K(K − 1)/2 of them, in index order
 * (i < j). The densest use of the rewards; quadratic in K, so meant for small K (e.g. 8 accepted).
 */
import type { Rng } from '@prefstream/core';

/** @example allPairs(Float32Array.of(1, 2, 3), createRng(0)); // Int32Array [0, 1, 0, 2, 1, 2] */
export function allPairs(rewards: Float32Array, _rng: Rng): Int32Array {
  const k = rewards.length;
  const pairs = new Int32Array(k * (k - 1));
  let n = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      pairs[n++] = i;
      pairs[n++] = j;
    }
  }
  return pairs;
}
