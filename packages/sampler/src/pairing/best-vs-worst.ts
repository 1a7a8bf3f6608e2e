/**
 * `best-vs-worst` pairing: one pair per prompt, the highest reward against the lowest (the usual
 * "max–min" construction of on-policy preference data). Ties: the first index among the best, and
 * the first other index among the worst. Fewer than two candidates: no pair.
 */
import type { Rng } from '@prefstream/core';

/** @example bestVsWorstPairs(Float32Array.of(1, 3, 0), createRng(0)); // Int32Array [1, 2] */
export function bestVsWorstPairs(rewards: Float32Array, _rng: Rng): Int32Array {
  const k = rewards.length;
  if (k < 2) return new Int32Array(0);
  let best = 0;
  for (let i = 1; i < k; i++) if (rewards[i]! > rewards[best]!) best = i;
  let worst = best === 0 ? 1 : 0;
  for (let i = 0; i < k; i++) if (i !== best && rewards[i]! < rewards[worst]!) worst = i;
  return Int32Array.of(best, worst);
}
