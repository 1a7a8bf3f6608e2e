/**
 * GRPO (Shao et al., DeepSeekMath arXiv 2402.03300 §4.1): read prompts → tokenize → sample G
 * completions per prompt from the current policy → score → group-relative advantages →
 * [reference per-token log-probs, β > 0] → [behaviour per-token log-probs, μ > 1] → clipped-ratio
 * loss `grpoLoss` (μ gradient batches per generation batch) → update after each.
 *
 * Semantics follow TRL's `GRPOTrainer`; one difference: TRL divides logits by the sampling
 * temperature in the loss, here the loss uses the model's own distribution, so sampling defaults to
 * temperature 1 with no top-k (TRL's defaults) — then πθold is exactly the distribution sampled.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { GRPO_LOSS_TYPES, SCALE_REWARDS } from '@prefstream/losses';
import { GenerateCandidatesOptions } from '@prefstream/sampler';
import { definePipelineKind } from './pipeline-kind.js';
import { maxLength, reward, tokenized } from './internal/shared-options.js';

/** generateCandidates options with TRL GRPO's sampling defaults: temperature 1, no top-k. */
const generation = GenerateCandidatesOptions.omit({ n: true })
  .extend({
    temperature: z.number().nonnegative().default(1).describe('Sampling temperature (TRL GRPO: 1, so πθold is the sampled distribution).'),
    topK: z.int().nonnegative().default(0).describe('Top-k (0 disables; TRL GRPO: disabled).'),
  })
  .prefault({})
  .describe('Options of the generateCandidates stage (n is numGenerations).');

/** Options of the `grpo` pipeline (names after TRL's `GRPOConfig`). */
export const GrpoOptions = z.strictObject({
  numGenerations: z.int().min(2).default(8).describe('G, completions sampled per prompt (TRL `num_generations`, 8).'),
  scaleRewards: z.enum(SCALE_REWARDS).default('group').describe('Advantage scaling (TRL `scale_rewards`): group std, batch std, or none.'),
  epsilon: z.number().positive().lt(1).default(0.2).describe('ε of the clipped ratio (DeepSeekMath: 0.2).'),
  epsilonHigh: z.number().positive().optional().describe('Upper clip 1 + ε_high (DAPO clip-higher); default ε.'),
  beta: z.number().min(0).default(0).describe('β of the k3 KL to the reference (TRL default 0; DeepSeekMath 0.04). > 0 loads the reference.'),
  lossType: z.enum(GRPO_LOSS_TYPES).default('grpo').describe('Loss aggregation (TRL `loss_type`): grpo, bnpo, dr_grpo.'),
  iterations: z.int().positive().default(1).describe('μ, optimization iterations per generation batch (TRL `num_iterations`).'),
  microBatchSize: z.int().positive().default(8).describe('Sequences per no-gradient forward of the reference / behaviour log-probs.'),
  generation,
  reward,
  maxLength,
  tokenized,
});
export type GrpoOptions = z.output<typeof GrpoOptions>;

/** The `grpo` pipeline kind. */
export const grpoPipeline = definePipelineKind({
  name: 'grpo',
  options: GrpoOptions,
  trains: () => 'policy',
  stages: (o): StageSpec[] => {
    const perToken = { microBatchSize: o.microBatchSize, ...(o.maxLength === undefined ? {} : { maxLength: o.maxLength }) };
    return [
      ...(o.tokenized ? [] : [{ kind: 'tokenize', completions: [] }]),
      { kind: 'generateCandidates', ...o.generation, n: o.numGenerations },
      { kind: 'scoreWithReward', reward: o.reward },
      { kind: 'groupAdvantages', scaleRewards: o.scaleRewards },
      ...(o.beta > 0 ? [{ kind: 'referenceLogps', completions: 'single', perToken: true, ...perToken }] : []),
      ...(o.iterations > 1 ? [{ kind: 'tokenLogps', model: 'policy', output: 'old_token_logps', ...perToken }] : []),
      {
        kind: 'grpoLoss',
        epsilon: o.epsilon,
        ...(o.epsilonHigh === undefined ? {} : { epsilonHigh: o.epsilonHigh }),
        beta: o.beta,
        lossType: o.lossType,
        iterations: o.iterations,
        maxCompletionLength: o.generation.maxNewTokens,
        ...(o.maxLength === undefined ? {} : { maxLength: o.maxLength }),
      },
      { kind: 'applyUpdates' },
    ];
  },
});
