/**
 * Where GRPO with the k3 KL term stops on a one-prompt bandit (derivation in the README, section
 * "GRPO's fixed point"): the π with g(π) = 0 for the expected update of `grpoExpectedUpdate`,
 *
 *   π_k·A_k(π) = β(π_k − π_ref,k)  for every arm k.
 *
 * With `scaleRewards: none` and G → ∞ (A_k = r_k − r̄) it has the closed form
 *   π_k = β·π_ref,k / (λ − r_k),  λ > max r the unique root of Σ_k π_k = 1 (then λ = r̄ + β),
 * with group scaling it is the same family at β_eff = β·(σ_π + 1e-4), σ_π the reward std at the
 * point itself, and with a finite group of G under `none` exactly β_eff = β·G/(G − 1). None of
 * these is π* = π_ref·e^{r/β}/Z.
 */
import { softmax } from './distributions.js';
import { grpoExpectedUpdate, rewardMoments, type GrpoBanditSettings } from './grpo-population.js';

/** π_k = β π_ref,k / (λ − r_k) with Σ π = 1: the `none` fixed point at KL coefficient `beta`. */
export function forwardKlFixedPoint(rewards: readonly number[], referenceProbs: readonly number[], beta: number): Float64Array {
  if (!(beta > 0)) throw new Error(`forwardKlFixedPoint: beta must be > 0, got ${beta}`);
  const top = Math.max(...rewards);
  const total = (lambda: number) => rewards.reduce((s, r, k) => s + (beta * referenceProbs[k]!) / (lambda - r), 0);
  // Σ is decreasing in λ on (max r, ∞); at λ = max r + β every term is ≤ π_ref,k, so Σ ≤ 1.
  let lo = top;
  let hi = top + beta;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (total(mid) > 1) lo = mid;
    else hi = mid;
  }
  const lambda = (lo + hi) / 2;
  return Float64Array.from(rewards, (r, k) => (beta * referenceProbs[k]!) / (lambda - r));
}

/** The G → ∞ fixed point with group (or batch) scaling: β_eff = β(σ + 1e-4) solved for σ = std_π(r). */
export function groupScaledFixedPoint(rewards: readonly number[], referenceProbs: readonly number[], beta: number): Float64Array {
  const at = (sigma: number) => forwardKlFixedPoint(rewards, referenceProbs, beta * (sigma + 1e-4));
  // f(σ) = σ − std(π(σ)): f(0) ≤ 0 and f(max r − min r) ≥ 0 (a std never exceeds the range).
  let lo = 0;
  let hi = Math.max(...rewards) - Math.min(...rewards);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid - rewardMoments(at(mid), rewards).std < 0) lo = mid;
    else hi = mid;
  }
  return at((lo + hi) / 2);
}

/** Result of {@link solveGrpoFixedPoint}. */
export interface GrpoFixedPoint {
  readonly probabilities: Float64Array;
  /** max_k |g_k| at the returned point. */
  readonly residual: number;
  readonly iterations: number;
}

/**
 * Solves g(π) = 0 for any settings (finite G included) by ascent on the logits from π_ref,
 * θ ← θ + η·g(θ), until max |g| ≤ `tolerance`. Needs β > 0 (without KL there is no interior point:
 * π goes to the best arm).
 * @example solveGrpoFixedPoint([1, 0], [0.5, 0.5], { beta: 0.5, scaleRewards: 'none' }).probabilities
 */
export function solveGrpoFixedPoint(
  rewards: readonly number[],
  referenceProbs: readonly number[],
  settings: GrpoBanditSettings,
  { tolerance = 1e-10, maxIterations = 200_000, stepSize = 1 } = {},
): GrpoFixedPoint {
  if (!(settings.beta > 0)) throw new Error('solveGrpoFixedPoint: needs beta > 0 (without the KL term GRPO concentrates on the best arm)');
  const theta = Float64Array.from(referenceProbs, Math.log);
  let probs = softmax(theta);
  let residual = Infinity;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const g = grpoExpectedUpdate(probs, rewards, referenceProbs, settings);
    residual = Math.max(...Array.from(g, Math.abs));
    if (residual <= tolerance) break;
    for (let k = 0; k < theta.length; k++) theta[k]! += stepSize * g[k]!;
    probs = softmax(theta);
  }
  return { probabilities: probs, residual, iterations };
}
