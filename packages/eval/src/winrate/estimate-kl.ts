/**
 * Monte-Carlo estimates of KL(π ‖ π_ref) from completions sampled from the policy π, given each
 * completion's summed log-prob under both models (Schulman, "Approximating KL divergence", 2020).
 */

/** A mean with its standard error. */
export interface MeanEstimate {
  mean: number;
  /** sd/√n with the n − 1 sample variance; Infinity for a single sample. */
  standardError: number;
}

/** Both estimators over the same samples. */
export interface KlEstimate {
  /** k1 = mean(log π − log π_ref): unbiased, high variance, can be negative. */
  k1: MeanEstimate;
  /** k3 = mean(r − 1 − log r), r = π_ref/π: unbiased and each term ≥ 0. */
  k3: MeanEstimate;
  n: number;
}

function meanEstimate(values: Float64Array): MeanEstimate {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { mean, standardError: Infinity };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, standardError: Math.sqrt(ss / (n - 1) / n) };
}

/**
 * k1 and k3 estimates of KL(π ‖ π_ref) for samples y_i ~ π.
 *
 * @example
 * const { k1, k3 } = estimateKl([-1.2, -0.7], [-1.5, -0.9]);
 * k1.mean; // ((−1.2 + 1.5) + (−0.7 + 0.9)) / 2 = 0.25
 */
export function estimateKl(policyLogps: ArrayLike<number>, referenceLogps: ArrayLike<number>): KlEstimate {
  const n = policyLogps.length;
  if (n !== referenceLogps.length) throw new Error(`estimateKl: ${n} policy log-probs but ${referenceLogps.length} reference log-probs`);
  if (n === 0) throw new Error('estimateKl: no samples');
  const k1 = new Float64Array(n);
  const k3 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lp = policyLogps[i]!;
    const lr = referenceLogps[i]!;
    if (!Number.isFinite(lp)) throw new Error(`estimateKl: policy log-prob ${i} is ${lp}`);
    if (Number.isNaN(lr) || lr === Infinity) throw new Error(`estimateKl: reference log-prob ${i} is ${lr}`);
    const logR = lr - lp; // log(π_ref/π)
    k1[i] = -logR;
    // r − 1 − log r written as expm1(log r) − log r: exact near r = 1 where both terms cancel.
    k3[i] = Math.expm1(logR) - logR;
  }
  return { k1: meanEstimate(k1), k3: meanEstimate(k3), n };
}
