/**
 * Step (b) of the demo: a Bradley–Terry reward model trained with the project's `reward-model`
 * pipeline on the noisy pairs (from the SFT policy's weights), its held-out pair accuracy, and the
 * learned rewards of the training pairs for CoPG.
 */
import type { Tokenizer } from '@prefstream/model';
import { RewardModel } from '@prefstream/reward';
import { runPipeline, type RunHooks, type RunConfigInput } from '@prefstream/trainer';
import type { PairRow } from './preference-pairs.js';
import { rewardsOf } from './score-sequences.js';

/** Held-out pair accuracy of the reward model: r(chosen) > r(rejected). */
export interface RewardModelAccuracy {
  /** Against the noisy labels it was trained to reproduce. */
  labels: number;
  /** Against the gold ordering (the label noise removed). */
  gold: number;
  pairs: number;
}

/** A pair with the learned rewards of both completions (the `copg` pipeline's columns). */
export interface ScoredPairRow extends PairRow {
  chosen_reward: number;
  rejected_reward: number;
}

/** Trains the reward model; resolves to its final directory. */
export async function trainRewardModel(config: Omit<RunConfigInput, 'pipeline'>, hooks: RunHooks): Promise<string> {
  const result = await runPipeline({ ...config, pipeline: { name: 'reward-model' } }, hooks, 'demo reward model');
  if (!result.finalDir) throw new Error('demo reward model: the run stopped before writing final/');
  return result.finalDir;
}

/** Learned rewards of each pair's chosen and rejected completion (EOS appended, as the pipelines tokenize). */
export async function scorePairs(model: RewardModel, tokenizer: Tokenizer, pairs: readonly PairRow[]): Promise<{ chosen: Float64Array; rejected: Float64Array }> {
  const eos = tokenizer.eosTokenId === undefined ? [] : [tokenizer.eosTokenId];
  const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const seq = (prompt: string, completion: string) => [...tokenizer.encode(prompt), ...tokenizer.encode(completion, { addSpecialTokens: false }), ...eos];
  return {
    chosen: await rewardsOf(model, pairs.map((p) => seq(p.prompt, p.chosen)), pad),
    rejected: await rewardsOf(model, pairs.map((p) => seq(p.prompt, p.rejected)), pad),
  };
}

/** Pair accuracy of `model` on `pairs` against their labels and against the gold ordering. */
export async function rewardModelAccuracy(model: RewardModel, tokenizer: Tokenizer, pairs: readonly PairRow[]): Promise<RewardModelAccuracy> {
  if (pairs.length === 0) throw new Error('demo reward model: no held-out pairs to measure accuracy on');
  const { chosen, rejected } = await scorePairs(model, tokenizer, pairs);
  let labels = 0;
  let gold = 0;
  pairs.forEach((p, i) => {
    const prefersChosen = chosen[i]! > rejected[i]!;
    if (prefersChosen) labels++;
    if (prefersChosen === p.chosen_gold > p.rejected_gold) gold++;
  });
  return { labels: labels / pairs.length, gold: gold / pairs.length, pairs: pairs.length };
}

/** The pairs with their learned rewards, for CoPG. */
export async function withLearnedRewards(model: RewardModel, tokenizer: Tokenizer, pairs: readonly PairRow[]): Promise<ScoredPairRow[]> {
  const { chosen, rejected } = await scorePairs(model, tokenizer, pairs);
  return pairs.map((p, i) => ({ ...p, chosen_reward: chosen[i]!, rejected_reward: rejected[i]! }));
}
