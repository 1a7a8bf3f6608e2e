/** RSO (Liu et al., arXiv 2309.06657): statistical rejection sampling from the SFT policy under the learned reward model. */
import { baseRun, LEARNED_REWARD } from './base-run.js';
import type { DemoMethod } from './demo-method.js';

/**
 * RSO: the `rso` pipeline on `ctx.files.prompts`; per update `promptsPerUpdate` prompts ×
 * `candidatesPerPrompt` samples scored by the learned RM, rejection-sampled (β 0.5) down to the
 * budget's pairs × 2 / prompts, paired first-round; loss `rso-sigmoid-norm`, γ 0.05.
 */
export const rsoMethod: DemoMethod = {
  name: 'rso',
  label: 'RSO',
  description: 'rejection-sampled candidates under the learned reward model (proxy); sigmoid-norm loss, γ 0.05',
  runConfig: (ctx) => ({
    ...baseRun(ctx, 'rso'),
    pipeline: {
      name: 'rso',
      n: ctx.budget.candidatesPerPrompt,
      numSamples: (2 * ctx.budget.pairsPerUpdate) / ctx.budget.promptsPerUpdate,
      generation: { maxNewTokens: ctx.budget.maxNewTokens },
      reward: LEARNED_REWARD,
    },
    rewardModel: ctx.rewardModelDir,
    data: { path: ctx.files.prompts },
    batchRows: ctx.budget.promptsPerUpdate,
  }),
};
