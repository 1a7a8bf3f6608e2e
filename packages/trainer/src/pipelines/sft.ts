/** SFT: read prompt/completion rows → tokenize → NLL of the completion → update. */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';
import { maxLength, tokenized } from './internal/shared-options.js';

/** Options of the `sft` pipeline. */
export const SftOptions = z.strictObject({
  perSequence: z.boolean().default(false).describe('Average per sequence instead of per token.'),
  tokenized,
  maxLength,
});
export type SftOptions = z.output<typeof SftOptions>;

/** The `sft` pipeline kind. */
export const sftPipeline = definePipelineKind({
  name: 'sft',
  options: SftOptions,
  trains: () => 'policy',
  stages: (o): StageSpec[] => [
    ...(o.tokenized ? [] : [{ kind: 'tokenize', completions: ['completion'] }]),
    { kind: 'nllLoss', perSequence: o.perSequence, maxLength: o.maxLength },
    { kind: 'applyUpdates' },
  ],
});
