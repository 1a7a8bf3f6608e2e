/**
 * The Bradley–Terry loss of a scalar reward model (spec §7, TRL `RewardTrainer`):
 *   loss = −logσ(r_w − r_l − m) + c·(r_w + r_l)²
 * with m an optional per-pair margin (TRL's `margin` column) and c = `centerRewardsCoefficient`
 * (Eisenstein et al. 2023, arXiv 2312.09244), which pins the reward's free offset near 0.
 */
import { parseConfig, tf, type Scalar, type Tensor1D } from '@prefstream/core';
import { z } from 'zod';
import { logSigmoid } from './internal/log-sigmoid.js';

/** Options of {@link bradleyTerryLoss} (zod schema: type, default and docs). */
export const BradleyTerryOptions = z.strictObject({
  centerRewardsCoefficient: z
    .number()
    .min(0)
    .default(0)
    .describe('c: weight of the centering term (r_w + r_l)² (TRL RewardConfig.center_rewards_coefficient; 0 = off, 0.01 in arXiv 2312.09244).'),
});
/** Parsed {@link BradleyTerryOptions}. */
export type BradleyTerryOptions = z.output<typeof BradleyTerryOptions>;

/** Per-pair rewards of one batch. @borrows every tensor. */
export interface BradleyTerryInputs {
  /** (B,) r(x, y_w). */
  chosenRewards: Tensor1D;
  /** (B,) r(x, y_l). */
  rejectedRewards: Tensor1D;
  /** (B,) optional margin m subtracted from r_w − r_l. */
  margin?: Tensor1D;
}

/**
 * Per-pair losses and metrics: `accuracy` = mean(1[r_w > r_l]) (strict), `margin` = mean(r_w − r_l),
 * `mean_reward` / `min_reward` / `max_reward` over both sides.
 * @owns the returned tensors (caller's tidy scope).
 * @example
 * const loss = tf.tidy(() => bradleyTerryLoss({ chosenRewards: tf.tensor1d([1]), rejectedRewards: tf.tensor1d([0]) }).losses.dataSync()[0]);
 * // softplus(−1) ≈ 0.3132617
 */
export function bradleyTerryLoss(
  inputs: BradleyTerryInputs,
  options: z.input<typeof BradleyTerryOptions> = {},
): { losses: Tensor1D; metrics: Record<string, Scalar> } {
  const { centerRewardsCoefficient } = parseConfig(BradleyTerryOptions, options, 'bradleyTerryLoss');
  const { chosenRewards: rw, rejectedRewards: rl } = inputs;
  if (rw.rank !== 1 || rl.rank !== 1 || rw.size !== rl.size || (inputs.margin && inputs.margin.size !== rw.size)) {
    throw new Error(`bradleyTerryLoss: chosenRewards [${rw.shape}], rejectedRewards [${rl.shape}]${inputs.margin ? `, margin [${inputs.margin.shape}]` : ''} must be (B,) of one length`);
  }
  const gap: Tensor1D = tf.sub(rw, rl);
  let losses = tf.neg(logSigmoid(inputs.margin ? tf.sub(gap, inputs.margin) : gap)) as Tensor1D;
  if (centerRewardsCoefficient > 0) losses = tf.add(losses, tf.mul(tf.square(tf.add(rw, rl)), centerRewardsCoefficient)) as Tensor1D;
  const both = tf.concat([rw, rl]);
  return {
    losses,
    metrics: {
      accuracy: tf.mean(tf.cast(tf.greater(rw, rl), 'float32')),
      margin: tf.mean(gap),
      mean_reward: tf.mean(both),
      min_reward: tf.min(both),
      max_reward: tf.max(both),
    },
  };
}
