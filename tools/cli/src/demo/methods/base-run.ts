/** The part of a method's run config that every method shares. */
import type { RunConfigInput } from '@prefstream/trainer';
import type { DemoContext } from './demo-method.js';

/**
 * Policy from `ctx.sftDir`, output `ctx.runDir(name)`, the shared seed and optimizer, and
 * `maxSteps` = the budget's updates (epochs are a ceiling the data never reaches first).
 */
export function baseRun(ctx: DemoContext, name: string): Omit<RunConfigInput, 'pipeline' | 'data' | 'batchRows'> {
  return {
    model: { dir: ctx.sftDir },
    output: ctx.runDir(name),
    seed: ctx.seed,
    optimizer: ctx.optimizer,
    maxSteps: ctx.budget.updates,
    epochs: 100,
    logSamples: { every: Math.max(1, Math.floor(ctx.budget.updates / 4)), rows: 2 },
  };
}

/** The learned reward as a reward option of the sampling pipelines (resource `rewardModel`, loaded from `RunConfig.rewardModel`). */
export const LEARNED_REWARD = { kind: 'bradley-terry', model: 'rewardModel', tokenizer: 'tokenizer', batchSize: 64 } as const;
