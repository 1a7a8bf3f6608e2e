/**
 * Typed look-ups in `ctx.resources` for the trainer's own stages, with errors naming the stage,
 * the option and the resources that exist.
 */
import { ConfigError, type StageContext } from '@prefstream/core';
import type { LogProbModel, Tokenizer } from '@prefstream/model';
import type { RewardModel } from '@prefstream/reward';

function lookup<T>(ctx: StageContext, name: string, stage: string, option: string, what: string, ok: (v: Record<string, unknown>) => boolean): T {
  const value = ctx.resources.get(name) as Record<string, unknown> | undefined;
  if (value === undefined) {
    const present = [...ctx.resources.keys()].join(', ') || 'none';
    throw new ConfigError(`stage ${stage}`, `option ${option}: no resource named "${name}" (resources: ${present})`);
  }
  if (!ok(value)) throw new ConfigError(`stage ${stage}`, `option ${option}: resource "${name}" is not ${what}`);
  return value as T;
}

/** The Tokenizer named `name` (needs `encode`). */
export function tokenizerOf(ctx: StageContext, name: string, stage: string, option = 'tokenizer'): Tokenizer {
  return lookup(ctx, name, stage, option, 'a Tokenizer (needs encode)', (v) => typeof v.encode === 'function');
}

/** The LogProbModel named `name` (needs sequenceLogps and trainableVariables). */
export function logProbModelOf(ctx: StageContext, name: string, stage: string, option = 'policy'): LogProbModel {
  return lookup(ctx, name, stage, option, 'a LogProbModel (needs sequenceLogps, trainableVariables)', (v) => typeof v.sequenceLogps === 'function' && typeof v.trainableVariables === 'function');
}

/** The RewardModel named `name` (needs rewards and trainableVariables). */
export function rewardModelOf(ctx: StageContext, name: string, stage: string, option = 'model'): RewardModel {
  return lookup(ctx, name, stage, option, 'a RewardModel (needs rewards, trainableVariables)', (v) => typeof v.rewards === 'function' && typeof v.trainableVariables === 'function');
}
