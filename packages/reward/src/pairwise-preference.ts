/**
 * The math of pairwise preference models (spec §7) and RSO's pairwise → pointwise conversion
 * (RSO, arXiv 2309.06657, §3 Eq. 7). Plain numbers: these run on probabilities already read off
 * a model, so float64 in JS is both exact enough and free.
 */

/**
 * P(A) from the next-token logits of the two verdict tokens, renormalized over those two:
 * softmax([ℓ_A, ℓ_B])_A = σ(ℓ_A − ℓ_B). The rest of the vocabulary cancels out.
 *
 * @example verdictProbability(2, 0) // σ(2) = 0.8807970779778823
 */
export function verdictProbability(logitA: number, logitB: number): number {
  const d = logitA - logitB;
  // Stable σ: never exp of a large positive number.
  return d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d));
}

/**
 * Position-debiased preference (spec §7):
 * `P_sym(y ≻ a) = ½·[P(y ≻ a | y first) + 1 − P(a ≻ y | a first)]`.
 *
 * @param yFirst P(first ≻ second) when y is shown first (as response A).
 * @param aFirst P(first ≻ second) when a is shown first (y is response B).
 * @example symmetricPreference(0.9, 0.3) // ½·(0.9 + 0.7) = 0.8
 */
export function symmetricPreference(yFirst: number, aFirst: number): number {
  return 0.5 * (yFirst + 1 - aFirst);
}

/**
 * Whether both presentation orders name the same winner: y wins in both (yFirst > ½ and
 * aFirst < ½) or a wins in both (yFirst < ½ and aFirst > ½). An exact ½ in either order names no
 * winner and counts as inconsistent. The batch mean of this is the position-consistency rate.
 */
export function positionConsistent(yFirst: number, aFirst: number): boolean {
  return (yFirst > 0.5 && aFirst < 0.5) || (yFirst < 0.5 && aFirst > 0.5);
}

/** Default ε of {@link preferenceToReward}: rewards stay within ±logit(1 − 1e-6) ≈ ±13.8155. */
export const PREFERENCE_EPSILON = 1e-6;

/**
 * RSO Eq. 7: `r(x, y) = logit(P(y ≻ y_b))`, with P clamped to [ε, 1 − ε] so a saturated
 * preference (a float32 softmax easily gives exactly 0 or 1) maps to a finite reward.
 * The baseline itself gets logit(½) = 0.
 *
 * @example preferenceToReward(0.8) // ln(0.8 / 0.2) = 1.3862943611198906 (spec T4)
 */
export function preferenceToReward(p: number, epsilon = PREFERENCE_EPSILON): number {
  if (!(epsilon > 0 && epsilon < 0.5)) throw new RangeError(`preferenceToReward: epsilon must be in (0, 0.5), got ${epsilon}`);
  if (Number.isNaN(p)) return Number.NaN; // reported with its prompt by the stage, never clamped away
  const q = Math.min(1 - epsilon, Math.max(epsilon, p));
  return Math.log(q) - Math.log1p(-q);
}
