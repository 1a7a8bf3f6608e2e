/**
 * C-RLFT (OpenChat, Wang et al., arXiv 2309.11235): read conversations with `condition` and
 * `weight` → class-conditioned prompt (`<condition> <prompt>`) → weighted NLL → update.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';
import { maxLength } from './internal/shared-options.js';

/** Options of the `crlft` pipeline. */
export const CrlftOptions = z.strictObject({
  conditionColumn: z.string().min(1).default('condition').describe('Column of the data-source class label (e.g. `GPT4`, `GPT3`).'),
  weightColumn: z.string().min(1).default('weight').describe('Column of the per-row class reward weight.'),
  perSequence: z.boolean().default(false).describe('Per-sequence instead of token-level weighting (spec §6).'),
  maxLength,
});
export type CrlftOptions = z.output<typeof CrlftOptions>;

/** The `crlft` pipeline kind. */
export const crlftPipeline = definePipelineKind({
  name: 'crlft',
  options: CrlftOptions,
  trains: () => 'policy',
  stages: (o): StageSpec[] => [
    { kind: 'tokenize', completions: ['completion'], condition: o.conditionColumn },
    { kind: 'nllLoss', weightColumn: o.weightColumn, perSequence: o.perSequence, maxLength: o.maxLength },
    { kind: 'applyUpdates' },
  ],
});
