/** SLiC-HF (Zhao et al., arXiv 2305.10425): samples from the policy, ranked by the learned reward model. */
import { baseRun, LEARNED_REWARD } from './base-run.js';
import type { DemoMethod } from './demo-method.js';

/**
 * SLiC: the `slic` pipeline on `ctx.files.prompts`; per update `promptsPerUpdate` prompts ×
 * `candidatesPerPrompt` samples (temperature 0.7, top-k 40), scored by the learned RM, paired
 * first-round (candidates/2 pairs per prompt).
 */
export const slicMethod: DemoMethod = {
  name: 'slic',
  label: 'SLiC',
  description: 'on-policy samples ranked by the learned reward model; hinge δ 1 + λ 0.5 SFT on the chosen',
  runConfig: (ctx) => ({
    ...baseRun(ctx, 'slic'),
    pipeline: {
      name: 'slic',
      delta: 1,
      lambda: 0.5,
      n: pairsPerPromptTimesTwo(ctx.budget.pairsPerUpdate, ctx.budget.promptsPerUpdate),
      generation: { maxNewTokens: ctx.budget.maxNewTokens },
      reward: LEARNED_REWARD,
    },
    rewardModel: ctx.rewardModelDir,
    data: { path: ctx.files.prompts },
    batchRows: ctx.budget.promptsPerUpdate,
  }),
};

/** Candidates per prompt that first-round pairing turns into the budget's pairs. */
function pairsPerPromptTimesTwo(pairs: number, prompts: number): number {
  return (2 * pairs) / prompts;
}
