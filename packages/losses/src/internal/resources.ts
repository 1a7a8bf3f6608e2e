/**
 * Typed look-ups of named shared objects in `ctx.resources`, with errors naming the stage, the
 * option and the resources that exist.
 */
import { ConfigError, type StageContext } from '@prefstream/core';
import type { LogProbModel, Tokenizer } from '@prefstream/model';

function lookup(ctx: StageContext, name: string, stage: string, option: string): unknown {
  const value = ctx.resources.get(name);
  if (value === undefined) {
    const present = [...ctx.resources.keys()].join(', ') || 'none';
    throw new ConfigError(`stage ${stage}`, `option ${option}: no resource named "${name}" (resources: ${present})`);
  }
  return value;
}

/** The LogProbModel named `name`. */
export function logProbModelResource(ctx: StageContext, name: string, stage: string, option: string): LogProbModel {
  const value = lookup(ctx, name, stage, option) as Partial<LogProbModel>;
  if (typeof value.sequenceLogps !== 'function' || typeof value.trainableVariables !== 'function' || typeof value.fingerprint !== 'function') {
    throw new ConfigError(`stage ${stage}`, `option ${option}: resource "${name}" is not a LogProbModel (needs sequenceLogps, trainableVariables, fingerprint)`);
  }
  return value as LogProbModel;
}

/** The Tokenizer named `name`. */
export function tokenizerResource(ctx: StageContext, name: string, stage: string, option: string): Tokenizer {
  const value = lookup(ctx, name, stage, option) as Partial<Tokenizer>;
  if (typeof value.fingerprint !== 'function') throw new ConfigError(`stage ${stage}`, `option ${option}: resource "${name}" is not a Tokenizer (needs fingerprint)`);
  return value as Tokenizer;
}
