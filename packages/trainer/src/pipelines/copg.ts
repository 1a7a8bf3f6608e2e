/**
 * CoPG (Flet-Berliac et al., arXiv 2406.19185): read scored pairs (off-policy, with
 * `chosen_reward` / `rejected_reward`) → tokenize → reference log-probs → loss `copg` (β) → update.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';
import { maxLength, tokenized } from './internal/shared-options.js';

/** Options of the `copg` pipeline. */
export const CopgOptions = z.strictObject({
  beta: z.number().positive().default(0.06).describe('β, the CoPG temperature (paper default 0.06).'),
  referenceMicroBatch: z.int().positive().default(8).describe('Sequences per reference forward.'),
  tokenized,
  maxLength,
});
export type CopgOptions = z.output<typeof CopgOptions>;

/** The `copg` pipeline kind. */
export const copgPipeline = definePipelineKind({
  name: 'copg',
  options: CopgOptions,
  trains: () => 'policy',
  stages: (o): StageSpec[] => [
    ...(o.tokenized ? [] : [{ kind: 'tokenize' }]),
    { kind: 'referenceLogps', microBatchSize: o.referenceMicroBatch, maxLength: o.maxLength },
    { kind: 'preferenceLoss', loss: 'copg', beta: o.beta, maxLength: o.maxLength },
    { kind: 'applyUpdates' },
  ],
});
