/**
 * `rewardModelLoss`: trains a Bradley–Terry reward model on preference pairs (spec §7; TRL
 * `RewardTrainer`): r_w = r(x, y_w), r_l = r(x, y_l) from the {@link RewardModel} in
 * `ctx.resources`, loss = mean −logσ(r_w − r_l) (+ centering) via `bradleyTerryLoss`.
 */
import { z } from 'zod';
import { COLUMNS, defineStage, readTokenLists, tf, type Batch, type Scalar, type Tensor1D } from '@prefstream/core';
import { BradleyTerryOptions, bradleyTerryLoss, lossGradients } from '@prefstream/losses';
import { packSequences } from '@prefstream/model';
import { gradientSteps } from '../internal/gradient-step.js';
import { PackingOptions } from '../internal/packing.js';
import { rewardModelOf } from '../internal/resources.js';

const STAGE = 'rewardModelLoss';

/** Options of {@link rewardModelLoss}. @example RewardModelLossOptions.parse({ centerRewardsCoefficient: 0.01 }) */
export const RewardModelLossOptions = z.strictObject({
  model: z.string().min(1).default('policy').describe('Resource name of the RewardModel being trained.'),
  ...BradleyTerryOptions.shape,
  ...PackingOptions,
});
/** Parsed {@link RewardModelLossOptions}. */
export type RewardModelLossOptions = z.output<typeof RewardModelLossOptions>;

/**
 * Stage definition (kind `rewardModelLoss`, batch → gradients). Metrics under TRL's names:
 * `rewards/chosen`, `rewards/rejected`, `rewards/margins`, `rewards/accuracies`.
 * @example
 * // YAML: - { kind: rewardModelLoss, centerRewardsCoefficient: 0.01 }
 */
export const rewardModelLoss = defineStage({
  kind: STAGE,
  options: RewardModelLossOptions,
  input: 'batch',
  output: 'gradients',
  requires: () => [COLUMNS.promptIds, COLUMNS.chosenIds, COLUMNS.rejectedIds],
  produces: () => [],
  create(o, ctx) {
    const model = rewardModelOf(ctx, o.model, STAGE);
    const where = `stage ${STAGE}`;
    return gradientSteps(STAGE, (batch: Batch) => {
      const B = batch.numRows;
      const prompts = readTokenLists(batch, COLUMNS.promptIds, where);
      const chosen = readTokenLists(batch, COLUMNS.chosenIds, where);
      const rejected = readTokenLists(batch, COLUMNS.rejectedIds, where);
      // rows: B chosen then B rejected, one forward
      const packed = packSequences([...prompts, ...prompts], [...chosen, ...rejected], { padSide: o.padSide, padTokenId: o.padTokenId, maxLength: o.maxLength });
      let tokens = 0;
      for (const m of packed.attentionMask) tokens += m;
      return lossGradients(batch, model.trainableVariables(), tokens, () => {
        const rewards = model.rewards(packed); // (2B,)
        const rw = tf.slice(rewards, 0, B) as Tensor1D;
        const rl = tf.slice(rewards, B, B) as Tensor1D;
        const { losses, metrics } = bradleyTerryLoss({ chosenRewards: rw, rejectedRewards: rl }, { centerRewardsCoefficient: o.centerRewardsCoefficient });
        return {
          loss: tf.mean(losses) as Scalar,
          metrics: {
            'rewards/chosen': tf.mean(rw) as Scalar,
            'rewards/rejected': tf.mean(rl) as Scalar,
            'rewards/margins': metrics.margin!,
            'rewards/accuracies': metrics.accuracy!,
          },
        };
      });
    });
  },
});
