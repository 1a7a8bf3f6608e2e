/**
 * The resources of a run with `policy: { kind: tabular }` on bandit data: an {@link ArmTokenizer}
 * (arms `a0 … a{K−1}`, the C-RLFT class words, `<bos>`), the trained {@link TabularPolicy} (from
 * the newest checkpoint when resuming), a frozen tabular `reference` at log π_ref, the reward
 * function `banditReward` (r[arm] of a completion `a<arm>`, for `scoreWithReward`) and the optimizer.
 */
import { ConfigError } from '@prefstream/core';
import { ArmTokenizer, armOf, TabularPolicy } from '@prefstream/eval';
import type { TrainedModel } from '../pipelines/pipeline-kind.js';
import type { RunConfig } from '../run/run-config.js';
import type { LoadedResources } from '../run/internal/policy-kinds.js';
import { BANDIT_CLASSES, type BanditDataConfig } from './bandit-data-config.js';
import { disposeOwned, withOptimizer } from '../run/internal/owned-resources.js';

/** The resource name of the bandit's reward function. */
export const BANDIT_REWARD = 'banditReward';

/** r[arm] of a completion `a<arm>`; a completion that is not an arm word is an error naming it. */
export function banditReward(rewards: readonly number[]): (prompt: string, completion: string) => number {
  return (_prompt, completion) => {
    const arm = armOf(completion);
    if (arm === undefined || arm >= rewards.length) throw new Error(`${BANDIT_REWARD}: completion "${completion}" is not an arm (a0 … a${rewards.length - 1})`);
    return rewards[arm]!;
  };
}

/** A tabular policy for `tokenizer`'s arms and classes, at `logits` (K values, every table). */
function tabular(tokenizer: ArmTokenizer, logits: number[], name: string): TabularPolicy {
  return new TabularPolicy({ arms: tokenizer.arms, contextTokens: BANDIT_CLASSES.map((c) => tokenizer.encode(c, { addSpecialTokens: false })[0]!), logits, name });
}

/**
 * @param _needsReference unused: the tabular reference always exists (see below).
 * @param checkpointDir the checkpoint to resume from (its logits replace the initial ones).
 * @example const resources = await loadTabularResources(config, 'policy', true, undefined)
 */
export async function loadTabularResources(config: RunConfig, trains: TrainedModel, _needsReference: boolean, checkpointDir: string | undefined): Promise<LoadedResources> {
  const data = config.data as BanditDataConfig;
  if (trains !== 'policy') throw new ConfigError('run config policy', `a tabular policy trains as a policy; pipeline ${config.pipeline.name} trains a ${trains}`);
  const tokenizer = new ArmTokenizer(data.rewards.length, BANDIT_CLASSES);
  const logRef = data.referenceProbs.map(Math.log);
  const owned: { dispose(): void }[] = [];
  try {
    const init = config.policy?.init === 'uniform' ? logRef.map(() => 0) : logRef;
    const policy = checkpointDir ? await TabularPolicy.load(checkpointDir) : tabular(tokenizer, init, 'bandit.logits');
    owned.push(policy);
    if (policy.arms !== tokenizer.arms) throw new ConfigError('run config data.rewards', `${tokenizer.arms} arms but the checkpoint ${checkpointDir} has ${policy.arms}`);
    const map = new Map<string, unknown>([
      ['policy', policy],
      ['tokenizer', tokenizer],
      [BANDIT_REWARD, banditReward(data.rewards)],
    ]);
    // Always present, even without a referenceLogps stage: K·C numbers, and a sampling stage may
    // draw from π_sft (`engine: { kind: local, model: reference }`).
    const reference = tabular(tokenizer, logRef, 'bandit.reference');
    owned.push(reference);
    map.set('reference', reference);
    return withOptimizer(config, map, policy, tokenizer, owned);
  } catch (error) {
    disposeOwned(owned);
    throw error;
  }
}
