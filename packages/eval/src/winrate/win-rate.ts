import { z } from 'zod';
import { wilsonInterval, type Interval } from '../stats/wilson-interval.js';

/**
 * One judged comparison of the policy's completion against the reference's for one prompt:
 * a hard verdict, or P(policy ≻ reference) in [0, 1] from a probabilistic judge.
 */
export type Outcome = 'win' | 'loss' | 'tie' | number;

/** Options of `winRate`. */
export const WinRateOptions = z.strictObject({
  /** A probability within 0.5 ± tieMargin counts as a tie (0: only exactly 0.5 is a tie). */
  tieMargin: z.number().min(0).max(0.5).default(0),
});
export type WinRateOptions = z.input<typeof WinRateOptions>;

/** Counts and rates of a win-rate evaluation, each rate with a Wilson 95% interval. */
export interface WinRate {
  wins: number;
  losses: number;
  ties: number;
  /** wins + losses + ties. */
  n: number;
  /** wins / (wins + losses); null when every comparison was a tie. */
  decided: Interval | null;
  /** (wins + ties/2) / n: a tie counts as half a win. */
  overall: Interval;
}

/**
 * Classifies one outcome; a probability p is a win above 0.5 + tieMargin, a loss below
 * 0.5 − tieMargin, else a tie. Throws naming the index of a NaN or out-of-range value.
 */
export function classifyOutcome(outcome: Outcome, index: number, tieMargin = 0): 'win' | 'loss' | 'tie' {
  if (typeof outcome === 'string') {
    if (outcome === 'win' || outcome === 'loss' || outcome === 'tie') return outcome;
    throw new Error(`winRate: outcome ${index} is '${String(outcome)}'; valid: 'win', 'loss', 'tie' or a probability in [0, 1]`);
  }
  if (!(outcome >= 0 && outcome <= 1)) throw new Error(`winRate: outcome ${index} is ${outcome}; a probability must be in [0, 1]`);
  if (outcome > 0.5 + tieMargin) return 'win';
  if (outcome < 0.5 - tieMargin) return 'loss';
  return 'tie';
}

/**
 * Win rate of a policy against a reference from per-prompt judge outcomes. Ties are counted
 * separately and reported two ways: excluded (`decided`) and as half a win (`overall`).
 *
 * @example
 * const r = winRate(['win', 'win', 'loss', 'tie', 0.9]);
 * r.decided?.estimate; // 3/4
 * r.overall.estimate;  // (3 + 0.5)/5 = 0.7
 */
export function winRate(outcomes: readonly Outcome[], options: WinRateOptions = {}): WinRate {
  const { tieMargin } = WinRateOptions.parse(options);
  if (outcomes.length === 0) throw new Error('winRate: no outcomes');
  const counts = { win: 0, loss: 0, tie: 0 };
  outcomes.forEach((o, i) => counts[classifyOutcome(o, i, tieMargin)]++);
  const n = outcomes.length;
  const decidedN = counts.win + counts.loss;
  return {
    wins: counts.win,
    losses: counts.loss,
    ties: counts.tie,
    n,
    decided: decidedN > 0 ? wilsonInterval(counts.win, decidedN) : null,
    // Wilson with a half-integer success count: the score interval is defined for any p̂ = k/n.
    overall: wilsonInterval(counts.win + counts.tie / 2, n),
  };
}
