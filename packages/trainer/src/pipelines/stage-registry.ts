/**
 * The one stage registry of runs: every stage kind a pipeline may name, from every package.
 */
import { StageRegistry, type StageDefinition } from '@prefstream/core';
import { LOSSES_STAGES } from '@prefstream/losses';
import { scoreWithReward } from '@prefstream/reward';
import { SAMPLER_STAGES } from '@prefstream/sampler';
import { applyUpdates } from '../stages/apply-updates.js';
import { applyTaskVector } from './stages/apply-task-vector.js';
import { nllLoss } from './stages/nll-loss.js';
import { pairwiseVerdicts } from './stages/pairwise-verdicts.js';
import { ppoEpochs } from './stages/ppo-epochs.js';
import { ppoLoss } from './stages/ppo-loss.js';
import { ppoRollout } from './stages/ppo-rollout.js';
import { rewardModelLoss } from './stages/reward-model-loss.js';
import { tokenize } from './stages/tokenize.js';

/** The trainer's own stages: `tokenize`, `nllLoss`, `rewardModelLoss`, `applyTaskVector`, `applyUpdates`, `pairwiseVerdicts`, `ppoRollout`, `ppoEpochs`, `ppoLoss`. */
export const TRAINER_STAGES: readonly StageDefinition[] = [tokenize, nllLoss, rewardModelLoss, applyTaskVector, applyUpdates, pairwiseVerdicts, ppoRollout, ppoEpochs, ppoLoss] as readonly StageDefinition[];

/**
 * A registry holding LOSSES_STAGES, SAMPLER_STAGES, `scoreWithReward` and TRAINER_STAGES.
 * @example const registry = createStageRegistry(); registry.get('preferenceLoss', 'my pipeline');
 */
export function createStageRegistry(): StageRegistry {
  const registry = new StageRegistry();
  for (const stage of [...LOSSES_STAGES, ...SAMPLER_STAGES, scoreWithReward as StageDefinition, ...TRAINER_STAGES]) registry.register(stage);
  return registry;
}
