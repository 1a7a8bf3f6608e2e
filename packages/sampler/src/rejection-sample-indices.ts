/**
 * Statistical rejection sampling over one prompt's scored candidates — RSO (arXiv 2309.06657)
 * Algorithm 1, exactly as spec/ALGORITHMS.md §4 writes it. Pure arithmetic on a typed array: the
 * stage (`rejectionSample`) and the benchmark both call this.
 */

/** A source of uniform draws in [0, 1). Tests inject fixed sequences (spec test vector T5). */
export type UniformSource = () => number;

/** What one prompt's rejection sampling selected and how much work it took. */
export interface RejectionSampleResult {
  /** Indices into the candidate array, in acceptance order. Length ≤ numSamples. */
  readonly indices: Int32Array;
  /** Outer-loop rounds (each recomputes rmax over the remaining candidates). */
  readonly rounds: number;
  /** Uniform draws consumed = candidates visited (the proposals of the acceptance rate). */
  readonly draws: number;
  /** True when there were fewer candidates than numSamples (all of them were returned). */
  readonly short: boolean;
}

/**
 * Selects up to `numSamples` candidates so that, with `u` uniform, the accepted ones follow
 * `π_r(y) ∝ π_sft(y)·exp(r(y)/β)` when the candidates were drawn from π_sft (RSO Algorithm 1).
 *
 * Candidates are keyed by index (duplicated texts never collapse). Every round recomputes
 * `rmax` over the remaining candidates and visits them in index order, drawing one uniform per
 * visited candidate and accepting when `u < exp((r − rmax)/β)`; it stops the moment `numSamples`
 * are accepted (the break is inside the inner loop — copies that break only in the outer loop
 * over-accept). Each round accepts at least its maximum, so it terminates after ≤ numSamples rounds.
 * `beta = Infinity` keeps the first `numSamples` in order; see `bestOfNIndices` for β → 0.
 *
 * @param rewards (K,) float32 rewards of one prompt's candidates; must be finite.
 * @param uniform draws in [0, 1), consumed in visiting order.
 * @example
 * const u = [0.9, 0.5, 0.1].values();
 * rejectionSampleIndices(Float32Array.of(1, 0.5, 0), 2, 0.5, () => u.next().value!).indices; // Int32Array [0, 2]
 */
export function rejectionSampleIndices(
  rewards: Float32Array,
  numSamples: number,
  beta: number,
  uniform: UniformSource,
): RejectionSampleResult {
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new RangeError(`numSamples must be a positive integer, got ${numSamples}`);
  if (!(beta > 0)) throw new RangeError(`beta must be > 0 (use bestOfNIndices for the β → 0 limit), got ${beta}`);
  const k = rewards.length;
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(rewards[i]!)) throw new RangeError(`reward of candidate ${i} is not finite (${rewards[i]})`);
  }
  if (k <= numSamples) {
    // Fewer (or exactly as many) candidates than wanted: all of them, in order, no draws needed.
    const all = new Int32Array(k);
    for (let i = 0; i < k; i++) all[i] = i;
    return { indices: all, rounds: 0, draws: 0, short: k < numSamples };
  }

  const accepted = new Int32Array(numSamples);
  let count = 0;
  // remaining[0..left) holds the indices not yet accepted, in index order.
  const remaining = new Int32Array(k);
  for (let i = 0; i < k; i++) remaining[i] = i;
  let left = k;
  let rounds = 0;
  let draws = 0;
  const invBeta = 1 / beta;

  while (count < numSamples && left > 0) {
    rounds++;
    let rmax = -Infinity;
    for (let j = 0; j < left; j++) {
      const r = rewards[remaining[j]!]!;
      if (r > rmax) rmax = r;
    }
    let kept = 0;
    let j = 0;
    for (; j < left; j++) {
      const index = remaining[j]!;
      draws++;
      // RSO Eq. (acceptance): u < π_r/(M·π_sft) = exp((r − rmax)/β).
      if (uniform() < Math.exp((rewards[index]! - rmax) * invBeta)) {
        accepted[count++] = index;
        if (count === numSamples) break; // inside the inner loop (spec §4)
      } else {
        remaining[kept++] = index;
      }
    }
    left = kept;
  }
  return { indices: accepted.subarray(0, count), rounds, draws, short: false };
}
