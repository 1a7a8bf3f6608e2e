/**
 * Exact arithmetic on finite distributions (Float64Array probability vectors): normalization,
 * softmax, total variation and KL. The bandit oracle is built on these; no sampling anywhere.
 */

/** Throws unless `p` is a probability vector (finite, ≥ 0, sums to 1 within `tol`). */
export function assertDistribution(p: ArrayLike<number>, name: string, tol = 1e-6): void {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name}[${i}] = ${v}: probabilities must be finite and ≥ 0`);
    sum += v;
  }
  if (p.length === 0) throw new Error(`${name}: empty distribution`);
  if (Math.abs(sum - 1) > tol) throw new Error(`${name}: probabilities sum to ${sum}, not 1`);
}

/** softmax(logits) computed stably (max subtracted). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= z;
  return out;
}

/** p(y)·exp(s(y)/t) / Z — the tilted distribution every KL-regularized optimum has. */
export function tilt(p: ArrayLike<number>, score: ArrayLike<number>, temperature: number): Float64Array {
  if (!(temperature > 0)) throw new Error(`tilt: temperature must be > 0, got ${temperature}`);
  const logits = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) logits[i] = Math.log(p[i]!) + score[i]! / temperature;
  return softmax(logits);
}

/** Total variation ½·Σ|p − q|. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - q[i]!);
  return s / 2;
}

/** KL(p‖q) = Σ p·log(p/q), with 0·log 0 = 0 and +∞ where q = 0 < p. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (pi === 0) continue;
    const qi = q[i]!;
    if (qi === 0) return Infinity;
    s += pi * Math.log(pi / qi);
  }
  return s;
}
