/**
 * The run's version of a pipeline's stage list: it must end with `applyUpdates`, which the run
 * points at its own optimizer (so checkpoints hold its state) and its accumulation steps.
 */
import { ConfigError, type StageSpec } from '@prefstream/core';

export const RUN_OPTIMIZER = 'optimizer';

export function runStages(stages: readonly StageSpec[], gradientAccumulationSteps: number, where: string): StageSpec[] {
  const last = stages.at(-1);
  if (!last || last.kind !== 'applyUpdates') {
    throw new ConfigError(where, `the stage list must end with applyUpdates (it ends with ${last ? last.kind : 'nothing'})`);
  }
  const { optimizer: _inline, ...rest } = last;
  if (_inline !== undefined) throw new ConfigError(where, 'applyUpdates: set the optimizer at the top level of the run config (`optimizer:`), not in the stage');
  return [...stages.slice(0, -1), { ...rest, optimizerResource: RUN_OPTIMIZER, gradientAccumulationSteps }];
}
