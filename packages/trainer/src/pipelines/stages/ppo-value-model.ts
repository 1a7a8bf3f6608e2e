/** The resource a PPO stage trains: a policy with a per-token value head (`tokenValues`). */
import { ConfigError, type StageContext, type Tensor2D } from '@prefstream/core';
import type { LogProbModel, PackedBatch } from '@prefstream/model';

/** What the PPO stages need of the policy: log-probs and values on the same packed batch. */
export interface ValueModel extends LogProbModel {
  /** (B, T) V(s_t) at each completion token, 0 elsewhere; differentiable. */
  tokenValues(batch: PackedBatch): Tensor2D;
}

/** The ValueModel named `name`, with an error naming the stage and what is there instead. */
export function valueModelOf(ctx: StageContext, name: string, stage: string): ValueModel {
  const value = ctx.resources.get(name) as Partial<ValueModel> | undefined;
  if (value === undefined) {
    throw new ConfigError(`stage ${stage}`, `option policy: no resource named "${name}" (resources: ${[...ctx.resources.keys()].join(', ') || 'none'})`);
  }
  if (typeof value.tokenValues !== 'function' || typeof value.sequenceLogps !== 'function' || typeof value.trainableVariables !== 'function') {
    throw new ConfigError(`stage ${stage}`, `option policy: resource "${name}" has no value head (tokenValues); train a pipeline whose trains is 'policy-value' (e.g. pairwise-ppo)`);
  }
  return value as ValueModel;
}
