/**
 * RSO (Liu et al., arXiv 2309.06657): read prompts → generate 64 → score → statistical rejection
 * sampling of 8 (β) → build pairs → reference log-probs → loss `rso-sigmoid-norm` /
 * `rso-hinge-norm` (γ) → update.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';
import { generation, maxLength, reward } from './internal/shared-options.js';

/** Options of the `rso` pipeline. */
export const RsoOptions = z.strictObject({
  n: z.int().positive().default(64).describe('Candidates generated per prompt (RSO §5: 64).'),
  numSamples: z.int().positive().default(8).describe('Candidates kept by rejection sampling (RSO §5: 8).'),
  samplingBeta: z.number().positive().default(0.5).describe('β of the rejection sampler (RSO Alg. 1).'),
  loss: z.enum(['rso-sigmoid-norm', 'rso-hinge-norm', 'rso-hinge']).default('rso-sigmoid-norm').describe('RSO loss (§4).'),
  gamma: z.number().positive().default(0.05).describe('γ, the loss scale (RSO §4).'),
  softLabels: z
    .boolean()
    .default(false)
    .describe('Label pairs with P = σ(r_w − r_l) (buildPairs `preference: sigmoid`) and train rso-sigmoid-norm on it; the optimum is then π_sft·exp(r/γ)/Z (spec §11). Default: hard labels.'),
  referenceMicroBatch: z.int().positive().default(8).describe('Sequences per reference forward.'),
  generation,
  reward,
  maxLength,
});
export type RsoOptions = z.output<typeof RsoOptions>;

/** The `rso` pipeline kind. */
export const rsoPipeline = definePipelineKind({
  name: 'rso',
  options: RsoOptions,
  trains: () => 'policy',
  stages: (o): StageSpec[] => [
    { kind: 'generateCandidates', ...o.generation, n: o.n },
    { kind: 'scoreWithReward', reward: o.reward },
    { kind: 'rejectionSample', numSamples: o.numSamples, beta: o.samplingBeta },
    { kind: 'buildPairs', ...(o.softLabels ? { preference: { kind: 'sigmoid' } } : {}) },
    { kind: 'tokenize', completions: [] },
    { kind: 'referenceLogps', microBatchSize: o.referenceMicroBatch, maxLength: o.maxLength },
    { kind: 'preferenceLoss', loss: o.loss, gamma: o.gamma, maxLength: o.maxLength, ...(o.softLabels ? { softLabels: true } : {}) },
    { kind: 'applyUpdates' },
  ],
});
