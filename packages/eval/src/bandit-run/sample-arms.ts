/**
 * Sampling arms from a tabular distribution the way `CausalLM.generate` samples a token: logits
 * divided by the temperature (0 = greedy), then top-k and top-p filtering, then one draw per sample
 * from a seeded {@link Rng}. The log-prob returned is under the distribution actually sampled.
 */
import { Rng } from '@prefstream/core';

/** Sampling controls (the subset of `GenerateOptions` a single token needs). */
export interface ArmSampling {
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
}

/** One sampled arm and log q(arm) under the sampling distribution q. */
export interface SampledArm {
  readonly arm: number;
  readonly logp: number;
}

/**
 * The sampling distribution q over arms from log-probabilities `logps` (K,).
 * @example samplingDistribution([Math.log(0.7), Math.log(0.3)], { temperature: 0 }) // [1, 0]
 */
export function samplingDistribution(logps: ArrayLike<number>, options: ArmSampling): Float64Array {
  const K = logps.length;
  const temperature = options.temperature ?? 1;
  const q = new Float64Array(K);
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < K; i++) if (logps[i]! > logps[best]!) best = i;
    q[best] = 1;
    return q;
  }
  if (!(temperature > 0)) throw new Error(`sampling: temperature must be ≥ 0, got ${temperature}`);
  let max = -Infinity;
  for (let i = 0; i < K; i++) max = Math.max(max, logps[i]! / temperature);
  for (let i = 0; i < K; i++) q[i] = Math.exp(logps[i]! / temperature - max);
  const order = Array.from({ length: K }, (_, i) => i).sort((a, b) => q[b]! - q[a]! || a - b);
  const topK = options.topK ?? 0;
  let keep = topK > 0 ? Math.min(topK, K) : K;
  const topP = options.topP ?? 1;
  if (topP < 1) {
    const total = order.slice(0, keep).reduce((s, i) => s + q[i]!, 0);
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += q[order[r]!]! / total;
      if (mass >= topP) {
        keep = r + 1;
        break;
      }
    }
  }
  for (let r = keep; r < K; r++) q[order[r]!] = 0;
  const z = q.reduce((s, v) => s + v, 0);
  for (let i = 0; i < K; i++) q[i]! /= z;
  return q;
}

/** Draws `n` arms from q with `rng` (inverse CDF). */
export function sampleArms(q: Float64Array, n: number, rng: Rng): SampledArm[] {
  const out: SampledArm[] = [];
  for (let s = 0; s < n; s++) {
    const u = rng.uniform();
    let arm = 0;
    let cumulative = q[0]!;
    while (u >= cumulative && arm < q.length - 1) cumulative += q[++arm]!;
    while (q[arm] === 0 && arm > 0) arm--; // u landed past the float sum: take the last arm with mass
    out.push({ arm, logp: Math.log(q[arm]!) });
  }
  return out;
}
