/**
 * `custom`: any list of registered stages, as written (each spec is checked by its stage's own
 * schema when the run builds it). The way to swap a stage: take a paper's list and change an entry.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';

/** Options of the `custom` pipeline. */
export const CustomOptions = z.strictObject({
  stages: z.array(z.looseObject({ kind: z.string().min(1) })).min(1).describe('Stage specs `{ kind, …options }`, ending with applyUpdates.'),
  trains: z.enum(['policy', 'reward-model']).default('policy').describe('What the run trains.'),
});
export type CustomOptions = z.output<typeof CustomOptions>;

/** The `custom` pipeline kind. */
export const customPipeline = definePipelineKind({
  name: 'custom',
  options: CustomOptions,
  trains: (o) => o.trains,
  stages: (o): StageSpec[] => o.stages.map((s) => ({ ...s })),
});
