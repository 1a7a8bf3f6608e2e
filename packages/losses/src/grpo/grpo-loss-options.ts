/**
 * Options of the `grpoLoss` stage: the objective (ε, ε_high, β, loss type), the μ optimization
 * iterations per generation batch and the columns it reads.
 */
import { z } from 'zod';
import { PackingOptions } from '../internal/packing-options.js';
import { OLD_TOKEN_LOGPS, REF_TOKEN_LOGPS } from '../token-logps.js';
import { GRPO_LOSS_TYPES } from './grpo-aggregations.js';

/** Default column of the per-sequence advantages (written by `groupAdvantages`). */
export const ADVANTAGES = 'advantages';

/** @example GrpoLossStageOptions.parse({ beta: 0.04, iterations: 2 }) */
export const GrpoLossStageOptions = z.strictObject({
  policy: z.string().min(1).default('policy').describe('Resource name of the LogProbModel being trained.'),
  epsilon: z.number().positive().lt(1).default(0.2).describe('ε of the clipped ratio, lower bound 1 − ε (DeepSeekMath, TRL `epsilon` 0.2).'),
  epsilonHigh: z.number().positive().optional().describe('Upper bound 1 + ε_high (DAPO clip-higher; TRL `epsilon_high`); default ε.'),
  beta: z.number().min(0).default(0).describe('β of the k3 KL to the reference (TRL `beta`, default 0); > 0 reads `ref_token_logps`.'),
  lossType: z.enum(GRPO_LOSS_TYPES).default('grpo').describe('Aggregation over tokens and sequences (TRL `loss_type`): grpo, bnpo, dr_grpo.'),
  maxCompletionLength: z.int().positive().optional().describe('L of dr_grpo\'s normalizer (TRL `max_completion_length`).'),
  iterations: z
    .int()
    .positive()
    .default(1)
    .describe('μ: optimization iterations per generation batch (TRL `num_iterations`); > 1 reads the behaviour log-probs `old_token_logps`.'),
  advantagesColumn: z.string().min(1).default(ADVANTAGES).describe('Float32 column of per-sequence advantages.'),
  oldColumn: z.string().min(1).default(OLD_TOKEN_LOGPS).describe('List<Float32> column of πθold per-token log-probs (iterations > 1).'),
  refColumn: z.string().min(1).default(REF_TOKEN_LOGPS).describe('List<Float32> column of π_ref per-token log-probs (β > 0).'),
  ...PackingOptions,
});
/** Parsed {@link GrpoLossStageOptions}. */
export type GrpoLossStageOptions = z.output<typeof GrpoLossStageOptions>;
