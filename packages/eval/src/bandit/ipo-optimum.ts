/**
 * The population optimum of IPO (Azar et al. 2023, arXiv 2310.12036) on a tabular policy.
 *
 * With g(y) = log π(y)/π_ref(y), pairs (y, y') ~ μ1⊗μ2 and the winner labelled with probability
 * P(y ≻ y'), the expected loss is, up to a constant (using P + P' = 1, c = 1/(2τ)):
 *   L(g) = Σ_{y,y'} μ1(y)μ2(y') [ (g(y) − g(y'))² − 2c·(2P(y≻y') − 1)·(g(y) − g(y')) ].
 * Setting ∂L/∂g(k) = 0 with W = w + wᵀ (w = μ1⊗μ2) gives the Laplacian system
 *   Σ_j W(k,j)·(g_k − g_j) = c·Σ_j W(k,j)·(2P(k≻j) − 1),
 * solved here with g fixed to sum 0 (g is defined up to a constant). When μ1 = μ2 = μ this is
 * IPO's closed form π ∝ π_ref·exp(p̄_μ(y)/τ), p̄_μ(y) = Σ_y' μ(y')P(y ≻ y') (spec §11, T10).
 */
import { softmax } from './distributions.js';

export function ipoOptimum(
  referenceProbs: readonly number[],
  mu1: readonly number[],
  mu2: readonly number[],
  preference: readonly Float64Array[],
  tau: number,
): Float64Array {
  if (!(tau > 0)) throw new Error(`ipo optimum: tau must be > 0, got ${tau}`);
  const k = referenceProbs.length;
  const c = 1 / (2 * tau);
  // A g = b, (K × K); row 0 replaced by the gauge constraint Σ g = 0.
  const a = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      const w = mu1[i]! * mu2[j]! + mu1[j]! * mu2[i]!;
      a[i]![i]! += w;
      a[i]![j]! -= w;
      a[i]![k]! += c * w * (2 * preference[i]![j]! - 1);
    }
  }
  a[0]!.fill(1);
  a[0]![k] = 0;
  const g = solve(a);
  return softmax(g.map((gi, i) => gi + Math.log(referenceProbs[i]!)));
}

/** Gaussian elimination with partial pivoting on an augmented (K × K+1) system. */
function solve(a: Float64Array[]): Float64Array {
  const k = a.length;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-300) {
      throw new Error('ipo optimum: the data distributions do not connect every response (singular system)');
    }
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let j = col; j <= k; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  return Float64Array.from(a, (row, i) => row[k]! / row[i]!);
}
