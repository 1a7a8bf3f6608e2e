import type { Rng } from '@prefstream/core';

/** Indices 0..k−1, shuffled with `rng` (Fisher–Yates). */
export function shuffledIndices(k: number, rng: Rng): number[] {
  return rng.shuffle(Array.from({ length: k }, (_, i) => i));
}
