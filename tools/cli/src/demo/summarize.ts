/**
 * Step (d), statistics half: a policy's held-out samples against SFT's — mean gold and learned
 * reward with normal 95% intervals, win rates under each judge (Wilson intervals, ties apart),
 * KL(π‖π_SFT) and the exact-answer rate.
 */
import { compareByReward, estimateKl, winRate, Z_95, type KlEstimate, type WinRate } from '@prefstream/eval';
import type { PolicySamples } from './policy-samples.js';

/** A sample mean with its normal-approximation 95% interval, mean ± z·sd/√n. */
export interface MeanCi {
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** Everything the table and report.json say about one policy. */
export interface PolicySummary {
  gold: MeanCi;
  learned: MeanCi;
  /** Share of completions that are exactly the sum (gold reward 1). */
  exact: MeanCi;
  /** Against SFT's samples on the same prompts; null for SFT itself. */
  winGold: WinRate | null;
  winLearned: WinRate | null;
  /** KL(π‖π_SFT) from the policy's samples; null for SFT itself. */
  kl: KlEstimate | null;
}

/** Mean and 95% interval of `values` (n − 1 variance). */
export function meanCi(values: ArrayLike<number>): MeanCi {
  const n = values.length;
  if (n === 0) throw new Error('meanCi: no values');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const half = n > 1 ? Z_95 * Math.sqrt(ss / (n - 1) / n) : Infinity;
  return { mean, low: mean - half, high: mean + half, n };
}

/** The summary of `policy`'s samples; `sft` = undefined summarizes SFT itself. */
export function summarize(policy: PolicySamples, sft: PolicySamples | undefined): PolicySummary {
  const exact = Float64Array.from(policy.gold, (g) => (g === 1 ? 1 : 0));
  return {
    gold: meanCi(policy.gold),
    learned: meanCi(policy.learned),
    exact: meanCi(exact),
    winGold: sft ? winRate(compareByReward(policy.gold, sft.gold)) : null,
    winLearned: sft ? winRate(compareByReward(policy.learned, sft.learned)) : null,
    kl: sft ? estimateKl(policy.policyLogps, policy.sftLogps) : null,
  };
}
