/**
 * Reward modelling (Bradley–Terry; TRL `RewardTrainer`): read pairs → tokenize → BT loss on a
 * scalar head over the LM's last hidden state → update. Trains a RewardModel, saved as a
 * `…ForSequenceClassification` Hugging Face directory.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';
import { maxLength, tokenized } from './internal/shared-options.js';

/** Options of the `reward-model` pipeline. */
export const RewardModelOptions = z.strictObject({
  centerRewardsCoefficient: z.number().min(0).default(0).describe('Centering term weight (TRL `center_rewards_coefficient`).'),
  tokenized,
  maxLength,
});
export type RewardModelOptions = z.output<typeof RewardModelOptions>;

/** The `reward-model` pipeline kind. */
export const rewardModelPipeline = definePipelineKind({
  name: 'reward-model',
  options: RewardModelOptions,
  trains: () => 'reward-model',
  stages: (o): StageSpec[] => [
    ...(o.tokenized ? [] : [{ kind: 'tokenize' }]),
    { kind: 'rewardModelLoss', centerRewardsCoefficient: o.centerRewardsCoefficient, maxLength: o.maxLength },
    { kind: 'applyUpdates' },
  ],
});
