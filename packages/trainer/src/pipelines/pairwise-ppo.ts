/**
 * Pairwise-RL's pairwise PPO (arXiv 2504.04950; spec §8, provisional), with PPO and GAE as TRL's
 * `PPOTrainer`: read prompts with an anchor response a(x) → tokenize the prompt → sample n
 * completions per prompt from the policy → score each against its anchor with the generative
 * judge, `P_sym(y ≻ a(x)) − ½` (both orders) → behaviour and reference per-token log-probs →
 * `ppoRollout` (KL-shaped token rewards, values, GAE, whitened advantages) → `ppoEpochs`
 * (μ passes × minibatches) → `ppoLoss` (clipped policy + clipped value loss) → update.
 * Trains a `PolicyWithValueHead` (policy HF directory + `value_head.safetensors`).
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { definePipelineKind } from './pipeline-kind.js';
import { generation, maxLength } from './internal/shared-options.js';

/** Options of the `pairwise-ppo` pipeline; PPO defaults are TRL's `PPOConfig`. */
export const PairwisePpoOptions = z.strictObject({
  anchor: z.string().min(1).default('anchor').describe('Text column of each prompt\'s anchor response a(x) (a reference or ground-truth answer).'),
  judge: z.string().min(1).default('judge').describe('Resource name of the pairwise judge (`judge: <dir>` in the run config loads one as "judge").'),
  judgeTokenizer: z.string().min(1).optional().describe('Tokenizer resource, only when `judge` is a plain causal LM rather than a PairwiseJudge.'),
  n: z.int().positive().default(4).describe('Completions sampled per prompt.'),
  klCoef: z.number().min(0).default(0.05).describe('β_KL of the per-token KL penalty (TRL `kl_coef`).'),
  gamma: z.number().min(0).max(1).default(1).describe('Discount γ (TRL `gamma`).'),
  lambda: z.number().min(0).max(1).default(0.95).describe('GAE λ (TRL `lam`).'),
  whitenRewards: z.boolean().default(false).describe('TRL `whiten_rewards`.'),
  epochs: z.int().positive().default(4).describe('PPO passes per rollout batch (TRL `num_ppo_epochs`).'),
  miniBatches: z.int().positive().default(1).describe('Minibatches per pass (TRL `num_mini_batches`).'),
  clipRange: z.number().positive().default(0.2).describe('ε (TRL `cliprange`).'),
  clipRangeValue: z.number().positive().default(0.2).describe('Value clip (TRL `cliprange_value`).'),
  vfCoef: z.number().min(0).default(0.1).describe('Value loss weight (TRL `vf_coef`).'),
  microBatchSize: z.int().positive().default(8).describe('Sequences per log-prob / value forward in the rollout.'),
  generation,
  maxLength,
});
export type PairwisePpoOptions = z.output<typeof PairwisePpoOptions>;

/** The `pairwise-ppo` pipeline kind. */
export const pairwisePpoPipeline = definePipelineKind({
  name: 'pairwise-ppo',
  options: PairwisePpoOptions,
  trains: () => 'policy-value',
  stages: (o): StageSpec[] => {
    const packing = o.maxLength === undefined ? {} : { maxLength: o.maxLength };
    return [
      { kind: 'tokenize', completions: [] },
      { kind: 'generateCandidates', ...o.generation, n: o.n },
      {
        kind: 'scoreWithReward',
        reward: {
          kind: 'pairwise',
          model: o.judge,
          ...(o.judgeTokenizer ? { tokenizer: o.judgeTokenizer } : {}),
          baseline: { from: 'column', column: o.anchor },
          conversion: 'centered',
        },
      },
      { kind: 'tokenLogps', model: 'policy', microBatchSize: o.microBatchSize, ...packing },
      { kind: 'referenceLogps', completions: 'single', perToken: true, microBatchSize: o.microBatchSize, ...packing },
      { kind: 'ppoRollout', klCoef: o.klCoef, gamma: o.gamma, lambda: o.lambda, whitenRewards: o.whitenRewards, microBatchSize: o.microBatchSize, ...packing },
      { kind: 'ppoEpochs', epochs: o.epochs, miniBatches: o.miniBatches },
      { kind: 'ppoLoss', clipRange: o.clipRange, clipRangeValue: o.clipRangeValue, vfCoef: o.vfCoef, ...packing },
      { kind: 'applyUpdates' },
    ];
  },
});
