/**
 * The bandit oracle (DESIGN §8, spec §11): one prompt, finite responses with known reward r and
 * full-support reference π_ref. Computes exactly the KL-regularized optimum
 * π* = π_ref·exp(r/β)/Z, the objective J(π) = E_π[r] − β·KL(π‖π_ref), the regret J(π*) − J(π),
 * and each method's population optimum, so pipelines are checked against math, not themselves.
 */
import { assertDistribution, klDivergence, tilt } from './distributions.js';

export interface Bandit {
  /** r(y) for each response y. */
  readonly rewards: readonly number[];
  /** π_ref(y), full support. */
  readonly referenceProbs: readonly number[];
  /** KL coefficient β of the objective. */
  readonly beta: number;
}

/** Validates a bandit: equal lengths, finite rewards, full-support reference, β > 0. */
export function defineBandit(bandit: Bandit): Bandit {
  const { rewards, referenceProbs, beta } = bandit;
  if (rewards.length !== referenceProbs.length) {
    throw new Error(`bandit: ${rewards.length} rewards but ${referenceProbs.length} reference probabilities`);
  }
  rewards.forEach((r, i) => {
    if (!Number.isFinite(r)) throw new Error(`bandit: rewards[${i}] = ${r} is not finite`);
  });
  assertDistribution(referenceProbs, 'bandit.referenceProbs');
  referenceProbs.forEach((p, i) => {
    if (!(p > 0)) throw new Error(`bandit: referenceProbs[${i}] = ${p}; the reference must have full support`);
  });
  if (!(beta > 0)) throw new Error(`bandit: beta must be > 0, got ${beta}`);
  return bandit;
}

/** π* = π_ref·exp(r/β)/Z, the maximizer of J (spec T11). */
export function optimalPolicy(bandit: Bandit): Float64Array {
  return tilt(bandit.referenceProbs, bandit.rewards, bandit.beta);
}

/** J(π) = E_π[r] − β·KL(π‖π_ref). */
export function objective(bandit: Bandit, policy: ArrayLike<number>): number {
  let expected = 0;
  for (let i = 0; i < policy.length; i++) expected += policy[i]! * bandit.rewards[i]!;
  return expected - bandit.beta * klDivergence(policy, bandit.referenceProbs);
}

/** J(π*) − J(π) ≥ 0; equals β·KL(π‖π*) exactly (a useful cross-check). */
export function regret(bandit: Bandit, policy: ArrayLike<number>): number {
  return objective(bandit, optimalPolicy(bandit)) - objective(bandit, policy);
}
