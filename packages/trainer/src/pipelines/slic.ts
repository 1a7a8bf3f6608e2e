/**
 * SLiC-HF (Zhao et al., arXiv 2305.10425): read prompts → generate from the SFT policy → score →
 * build pairs → loss `slic` (hinge on the log-prob gap + λ·SFT on the best candidate) → update.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';
import { generation, maxLength, reward } from './internal/shared-options.js';

/** Options of the `slic` pipeline. */
export const SlicOptions = z.strictObject({
  delta: z.number().positive().default(1).describe('δ, the calibration margin (SLiC-HF Eq. 1).'),
  lambda: z.number().min(0).default(0.5).describe('λ, weight of the SFT regularizer on the chosen candidate.'),
  n: z.int().positive().default(8).describe('Candidates per prompt (SLiC-HF samples 8).'),
  generation,
  reward,
  maxLength,
});
export type SlicOptions = z.output<typeof SlicOptions>;

/** The `slic` pipeline kind. */
export const slicPipeline = definePipelineKind({
  name: 'slic',
  options: SlicOptions,
  trains: () => 'policy',
  stages: (o): StageSpec[] => [
    { kind: 'generateCandidates', ...o.generation, n: o.n },
    { kind: 'scoreWithReward', reward: o.reward },
    { kind: 'buildPairs' },
    { kind: 'tokenize', completions: [] },
    { kind: 'preferenceLoss', loss: 'slic', delta: o.delta, lambda: o.lambda, maxLength: o.maxLength },
    { kind: 'applyUpdates' },
  ],
});
