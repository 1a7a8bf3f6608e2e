/**
 * GRPO's group-relative advantages (DeepSeekMath arXiv 2402.03300 §4.1.2; spec §9) as TRL's
 * `GRPOTrainer` computes them, in float64:
 *
 *   A_i = (r_i − mean_g(r)) / (std + 1e-4)
 *
 * where g is the group of completions of i's prompt, and `std` is by `scaleRewards`:
 * `group` — the Bessel-corrected std of g; `batch` — the Bessel std of every reward of the batch
 * (centering stays per group); `none` — no division (Dr. GRPO). A group of one has std 0.
 */

/** How advantages are scaled (TRL `scale_rewards`). */
export const SCALE_REWARDS = ['group', 'batch', 'none'] as const;
/** One of {@link SCALE_REWARDS}. */
export type ScaleRewards = (typeof SCALE_REWARDS)[number];

/** TRL's constant in the denominator. */
export const ADVANTAGE_EPSILON = 1e-4;

/** Result of {@link computeGroupAdvantages}. */
export interface GroupAdvantages {
  /** (N,) one advantage per completion. */
  readonly advantages: Float64Array;
  /** (N,) whether the std used for the row (the group's for `group`/`none`, the batch's for `batch`) is 0. */
  readonly zeroStd: boolean[];
  /** Number of distinct groups. */
  readonly groups: number;
}

/** Mean and Bessel std (0 for fewer than two values) of `values[indices]`. */
export function meanAndStd(values: ArrayLike<number>, indices: readonly number[]): { mean: number; std: number } {
  const n = indices.length;
  let mean = 0;
  for (const i of indices) mean += values[i]!;
  mean /= Math.max(n, 1);
  if (n < 2) return { mean, std: 0 };
  let ss = 0;
  for (const i of indices) ss += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/**
 * @param groupIds the group (prompt id) of each completion; groups need not be contiguous.
 * @example computeGroupAdvantages(['a', 'a', 'b', 'b'], [1, 0, 0, 0], 'group').advantages // ≈ [0.7071, −0.7071, 0, 0]
 */
export function computeGroupAdvantages(groupIds: readonly string[], rewards: ArrayLike<number>, scaleRewards: ScaleRewards): GroupAdvantages {
  const members = new Map<string, number[]>();
  groupIds.forEach((id, i) => {
    const list = members.get(id);
    if (list) list.push(i);
    else members.set(id, [i]);
  });
  const N = groupIds.length;
  const batch = meanAndStd(rewards, Array.from({ length: N }, (_, i) => i));
  const advantages = new Float64Array(N);
  const zeroStd = new Array<boolean>(N).fill(false);
  for (const indices of members.values()) {
    const { mean, std } = meanAndStd(rewards, indices);
    const scale = scaleRewards === 'batch' ? batch.std : std;
    for (const i of indices) {
      const centered = rewards[i]! - mean;
      advantages[i] = scaleRewards === 'none' ? centered : centered / (scale + ADVANTAGE_EPSILON);
      zeroStd[i] = Math.abs(scale) <= 1e-8; // torch.isclose(std, 0)
    }
  }
  return { advantages, zeroStd, groups: members.size };
}
