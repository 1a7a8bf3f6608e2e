/**
 * Per-batch reward metrics: mean, population standard deviation (divide by n, the spread of this
 * batch rather than an estimate of a wider one), min and max.
 */
export function rewardStats(rewards: Float64Array): Record<string, number> {
  const n = rewards.length;
  if (n === 0) return {};
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const r of rewards) {
    sum += r;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  const mean = sum / n;
  let sq = 0;
  for (const r of rewards) sq += (r - mean) * (r - mean);
  return { 'reward/mean': mean, 'reward/std': Math.sqrt(sq / n), 'reward/min': min, 'reward/max': max };
}
