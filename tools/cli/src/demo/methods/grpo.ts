/** GRPO (Shao et al., DeepSeekMath arXiv 2402.03300): on-policy groups scored by the verifiable gold reward. */
import { baseRun } from './base-run.js';
import type { DemoMethod } from './demo-method.js';

/** Completions per prompt (G): 8, TRL's default; `promptsPerUpdate` prompts make one update's rows. */
const GROUP_SIZE = 8;

/**
 * GRPO: the `grpo` pipeline on `ctx.files.prompts`; per update `sequencesPerUpdate / G` prompts ×
 * G = 8 samples (temperature 1), rewarded by the gold reward — the task is verifiable, as
 * DeepSeekMath's math problems are, so GRPO needs no learned reward model (unlike SLiC and RSO) —
 * with group-normalized advantages, ε 0.2, β 0.04 (DeepSeekMath), one iteration per batch.
 */
export const grpoMethod: DemoMethod = {
  name: 'grpo',
  label: 'GRPO',
  description: 'on-policy groups of 8 scored by the verifiable gold reward; group-normalized advantages, clip ε 0.2, k3 KL β 0.04',
  runConfig: (ctx) => {
    const prompts = Math.max(1, Math.floor(ctx.budget.sequencesPerUpdate / GROUP_SIZE));
    return {
      ...baseRun(ctx, 'grpo'),
      pipeline: {
        name: 'grpo',
        numGenerations: GROUP_SIZE,
        beta: 0.04,
        generation: { maxNewTokens: ctx.budget.maxNewTokens },
        reward: { kind: 'function', fn: 'goldReward' },
      },
      data: { path: ctx.files.prompts },
      batchRows: prompts,
    };
  },
  resources: (ctx) => ({ goldReward: ctx.goldReward }),
};
