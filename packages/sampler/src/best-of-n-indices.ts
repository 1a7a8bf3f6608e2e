/**
 * Best-of-n: the β → 0 limit of RSO's rejection sampler (arXiv 2309.06657 §3; as the acceptance
 * ratio exp((r − rmax)/β) → 1[r = rmax], every round accepts exactly the current maximum).
 */

/**
 * The indices of the `numSamples` highest rewards, highest first; equal rewards keep index order
 * (a stable sort, so the result is deterministic and duplicated texts never collapse). With fewer
 * candidates than `numSamples`, all of them are returned, sorted the same way.
 *
 * @param rewards (K,) float32 rewards of one prompt's candidates; must be finite.
 * @example
 * bestOfNIndices(Float32Array.of(0.5, 2, 0.5, 1), 2); // Int32Array [1, 3]
 */
export function bestOfNIndices(rewards: Float32Array, numSamples: number): Int32Array {
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new RangeError(`numSamples must be a positive integer, got ${numSamples}`);
  const k = rewards.length;
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(rewards[i]!)) throw new RangeError(`reward of candidate ${i} is not finite (${rewards[i]})`);
  }
  const order = new Int32Array(k);
  for (let i = 0; i < k; i++) order[i] = i;
  // Typed-array sort with a comparator; ties broken by index makes it stable by construction.
  order.sort((a, b) => rewards[b]! - rewards[a]! || a - b);
  return order.slice(0, Math.min(numSamples, k));
}
