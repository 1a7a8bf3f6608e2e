/**
 * The empirical optimum of a pairwise loss on realized pairs: the minimizer over a tabular policy
 * of Σ_{w,l} n(w, l)·ℓ(w, l, g_w − g_l), g = log π − log π_ref, with n the realized winner/loser
 * counts. With N finite pairs this, not the population optimum of spec §11, is what full-batch
 * training converges to. Solved by damped Newton in float64 with the gauge Σg = 0 (g is defined up
 * to a constant); an unbounded minimizer (e.g. hard labels, an arm that never loses) is reported as
 * undefined rather than a huge number.
 */
import { softmax } from '../bandit/distributions.js';

/** ℓ(w, l, d) and its first two derivatives in d, for one (winner, loser) cell. */
export type PairLossFn = (w: number, l: number, d: number) => readonly [value: number, d1: number, d2: number];

/**
 * A pairwise loss and when it has a finite minimizer: `strong` — every arm must beat and be beaten
 * through a chain of wins (the Zermelo / Bradley–Terry MLE condition, for −logσ losses that only
 * push winners up); `weak` — the pairs must connect every arm (quadratic losses: IPO, CoPG).
 */
export interface PairLoss {
  readonly fn: PairLossFn;
  readonly connectivity: 'strong' | 'weak';
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** DPO `sigmoid` (and RSO sigmoid-norm with β = γ): −logσ(βd). */
export const sigmoidPairLoss = (beta: number): PairLoss => ({
  connectivity: 'strong',
  fn: (_w, _l, d) => {
    const s = sigmoid(beta * d);
    return [softplus(-beta * d), -beta * (1 - s), beta * beta * s * (1 - s)];
  },
});

/** IPO (τ): (d − 1/(2τ))². */
export const ipoPairLoss = (tau: number): PairLoss => ({
  connectivity: 'weak',
  fn: (_w, _l, d) => {
    const c = 1 / (2 * tau);
    return [(d - c) ** 2, 2 * (d - c), 2];
  },
});

/** CoPG (β): (ΔR − βd)²/(2β), ΔR = r_w − r_l. */
export const copgPairLoss = (rewards: readonly number[], beta: number): PairLoss => ({
  connectivity: 'weak',
  fn: (w, l, d) => {
    const e = rewards[w]! - rewards[l]! - beta * d;
    return [(e * e) / (2 * beta), -e, beta];
  },
});

/** Largest |g| accepted as a finite optimum (π ratios up to e^30); beyond it the fit is unbounded. */
const MAX_LOG_RATIO = 30;

/**
 * @param counts counts[w][l] of realized pairs.
 * @returns the optimal policy, or undefined when the loss has no finite minimizer on these pairs.
 * @example fitPairwise(winCounts(draws, 3), [1 / 3, 1 / 3, 1 / 3], ipoPairLoss(0.5))
 */
export function fitPairwise(counts: readonly (readonly number[])[], referenceProbs: readonly number[], pairLoss: PairLoss): Float64Array | undefined {
  const k = referenceProbs.length;
  const loss = pairLoss.fn;
  const cells: [number, number, number][] = [];
  counts.forEach((row, w) => row.forEach((n, l) => n > 0 && w !== l && cells.push([w, l, n])));
  if (!connected(k, cells, pairLoss.connectivity)) return undefined;
  const total = cells.reduce((s, [, , n]) => s + n, 0);
  let g = new Float64Array(k);
  const objective = (x: Float64Array) => cells.reduce((s, [w, l, n]) => s + n * loss(w, l, x[w]! - x[l]!)[0], 0) + 0.5 * x.reduce((a, b) => a + b, 0) ** 2;
  for (let iter = 0; iter < 200; iter++) {
    const sum = g.reduce((a, b) => a + b, 0);
    const grad = new Float64Array(k).fill(sum); // gauge term ½(Σg)²
    const hess = Array.from({ length: k }, () => new Float64Array(k).fill(1));
    for (const [w, l, n] of cells) {
      const [, d1, d2] = loss(w, l, g[w]! - g[l]!);
      grad[w]! += n * d1;
      grad[l]! -= n * d1;
      hess[w]![w]! += n * d2;
      hess[l]![l]! += n * d2;
      hess[w]![l]! -= n * d2;
      hess[l]![w]! -= n * d2;
    }
    if (Math.max(...grad.map(Math.abs)) < 1e-12 * Math.max(1, total)) break;
    const step = solve(hess, grad.map((v) => -v));
    if (!step) return undefined;
    let t = 1;
    const f0 = objective(g);
    let next = g.map((v, i) => v + t * step[i]!);
    while (objective(next) > f0 && t > 1e-10) next = g.map((v, i) => v + (t /= 2) * step[i]!);
    g = next;
    if (g.some((v) => !(Math.abs(v) <= MAX_LOG_RATIO))) return undefined;
  }
  return softmax(g.map((v, i) => v + Math.log(referenceProbs[i]!)));
}

/** Whether every arm reaches every other along win edges w → l (`strong`) or along pairs (`weak`). */
function connected(k: number, cells: readonly [number, number, number][], kind: 'strong' | 'weak'): boolean {
  const reach = (edges: [number, number][]) => {
    const seen = new Set([0]);
    for (let frontier = [0]; frontier.length > 0; ) {
      frontier = edges.filter(([a, b]) => frontier.includes(a) && !seen.has(b)).map(([, b]) => b);
      frontier.forEach((b) => seen.add(b));
      frontier = [...new Set(frontier)];
    }
    return seen.size === k;
  };
  const forward = cells.map(([w, l]): [number, number] => [w, l]);
  const backward = cells.map(([w, l]): [number, number] => [l, w]);
  return kind === 'strong' ? reach(forward) && reach(backward) : reach([...forward, ...backward]);
}

/** Gaussian elimination with partial pivoting; undefined for a singular system. */
function solve(a: readonly Float64Array[], b: Float64Array): Float64Array | undefined {
  const k = b.length;
  const m = a.map((row, i) => Float64Array.from([...row, b[i]!]));
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-300) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let j = col; j <= k; j++) m[r]![j]! -= f * m[col]![j]!;
    }
  }
  return Float64Array.from(m, (row, i) => row[k]! / row[i]!);
}
