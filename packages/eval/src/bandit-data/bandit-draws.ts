/**
 * The random part of a bandit dataset, independent of any row format: N pairs (a, b) with
 * a ~ μ1, b ~ μ2 and a label "a wins" drawn with probability P(a ≻ b) of a label rule
 * (`bradley-terry`: σ(r_a − r_b), DPO Eq. 1; `hard`: the higher reward, ties a coin flip). The
 * same seed gives the same draws, so a resumed or repeated run sees the same data.
 */
import { Rng } from '@prefstream/core';
import { preferenceMatrix } from '../bandit/preference-labels.js';

/** What to draw. */
export interface BanditDrawOptions {
  readonly rewards: readonly number[];
  readonly mu1: readonly number[];
  readonly mu2: readonly number[];
  /** Number of pairs N. */
  readonly pairs: number;
  /** Label rule of `preferenceMatrix`. */
  readonly labels: string;
  readonly seed: number;
}

/** One drawn pair: `first` ~ μ1, `second` ~ μ2, and which one the label prefers. */
export interface BanditDraw {
  readonly first: number;
  readonly second: number;
  readonly firstWins: boolean;
}

/** Inverse-CDF draw from a finite distribution. */
export function drawIndex(p: readonly number[], u: number): number {
  let cumulative = 0;
  for (let i = 0; i < p.length; i++) {
    cumulative += p[i]!;
    if (u < cumulative) return i;
  }
  let last = p.length - 1; // u beyond the rounded sum: the last index with mass
  while (last > 0 && p[last] === 0) last--;
  return last;
}

/**
 * The N draws, lazily (three uniforms per pair: a, b, label).
 * @example [...drawBanditPairs({ rewards: [1, 0], mu1: [0.5, 0.5], mu2: [0.5, 0.5], pairs: 4, labels: 'hard', seed: 0 })]
 */
export function* drawBanditPairs(options: BanditDrawOptions): Generator<BanditDraw> {
  const P = preferenceMatrix(options.rewards, options.labels);
  const rng = new Rng(options.seed);
  for (let i = 0; i < options.pairs; i++) {
    const first = drawIndex(options.mu1, rng.uniform());
    const second = drawIndex(options.mu2, rng.uniform());
    yield { first, second, firstWins: rng.uniform() < P[first]![second]! };
  }
}

/** counts[w][l]: how many pairs have winner w and loser l. */
export function winCounts(draws: Iterable<BanditDraw>, arms: number): number[][] {
  const counts = Array.from({ length: arms }, () => new Array<number>(arms).fill(0));
  for (const d of draws) {
    const [w, l] = d.firstWins ? [d.first, d.second] : [d.second, d.first];
    counts[w]![l]!++;
  }
  return counts;
}

/** The empirical distribution of `arms` (SFT's and each C-RLFT class's optimum on its data). */
export function empiricalDistribution(arms: Iterable<number>, k: number): Float64Array {
  const counts = new Float64Array(k);
  let n = 0;
  for (const a of arms) {
    counts[a]!++;
    n++;
  }
  if (n === 0) throw new Error('empiricalDistribution: no samples');
  return counts.map((c) => c / n);
}
