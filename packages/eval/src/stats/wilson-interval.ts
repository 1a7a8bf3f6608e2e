/**
 * Wilson score interval for a binomial proportion (Wilson 1927). Unlike the normal
 * approximation it stays inside [0, 1] and behaves at 0 or n successes, which is what small
 * win-rate evaluations produce.
 */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** z for a two-sided 95% interval: Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (!Number.isInteger(trials) || trials <= 0) throw new Error(`wilsonInterval: trials must be a positive integer, got ${trials}`);
  if (!(successes >= 0 && successes <= trials)) throw new Error(`wilsonInterval: successes ${successes} outside [0, ${trials}]`);
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n successes the bound is exactly 0 or 1; rounding would leave 1 − 1e-16.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === trials ? 1 : Math.min(1, centre + half);
  return { estimate: p, low, high };
}
