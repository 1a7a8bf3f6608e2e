/**
 * Step (d), sampling half: one completion per held-out prompt from a policy (temperature 1, the
 * same seed for every policy, so policies that agree draw the same samples), scored by the gold
 * reward, the learned reward model, and the log-probs under the policy and under SFT (for KL).
 */
import { CausalLM, type Tokenizer } from '@prefstream/model';
import type { RewardModel } from '@prefstream/reward';
import type { AdditionProblem } from '@prefstream/eval';
import type { DemoReward } from './methods/demo-method.js';
import { completionLogpsOf, rewardsOf } from './score-sequences.js';

/** A policy's held-out samples and their scores, index-aligned with the problems. */
export interface PolicySamples {
  readonly completions: string[];
  readonly gold: Float64Array;
  readonly learned: Float64Array;
  /** log π(y | prompt as the policy saw it). */
  readonly policyLogps: Float64Array;
  /** log π_SFT(y | plain prompt). */
  readonly sftLogps: Float64Array;
}

/** What every evaluation shares: the judges, the SFT reference, the prompts and the sampling settings. */
export interface EvaluationSetup {
  readonly problems: readonly AdditionProblem[];
  readonly tokenizer: Tokenizer;
  readonly sft: CausalLM;
  readonly rewardModel: RewardModel;
  readonly gold: DemoReward;
  readonly seed: number;
  readonly maxNewTokens: number;
}

/**
 * Samples `policy` on the held-out prompts (each rewritten by `evalPrompt`, e.g. C-RLFT's
 * condition) and scores the samples against the plain prompts.
 */
export async function samplePolicy(policy: CausalLM, setup: EvaluationSetup, evalPrompt: (prompt: string) => string = (p) => p): Promise<PolicySamples> {
  const { problems, tokenizer } = setup;
  const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const seen = problems.map((p) => tokenizer.encode(evalPrompt(p.prompt)));
  const plain = problems.map((p) => tokenizer.encode(p.prompt));
  const generations = await policy.generate(seen, { maxNewTokens: setup.maxNewTokens, temperature: 1, seed: setup.seed, tokenizer });
  const ids = generations.map((g) => g.completionIds);
  const completions = generations.map((g) => g.completion);
  return {
    completions,
    gold: Float64Array.from(problems, (p, i) => setup.gold(p.prompt, completions[i]!)),
    learned: await rewardsOf(setup.rewardModel, plain.map((p, i) => [...p, ...ids[i]!]), pad),
    policyLogps: await completionLogpsOf(policy, seen, ids, pad),
    sftLogps: await completionLogpsOf(setup.sft, plain, ids, pad),
  };
}

/** Loads the policy in `dir`, samples and scores it, and frees it. */
export async function samplePolicyDir(dir: string, setup: EvaluationSetup, evalPrompt?: (prompt: string) => string): Promise<PolicySamples> {
  const policy = await CausalLM.load(dir, { tokenizer: setup.tokenizer });
  try {
    return await samplePolicy(policy, setup, evalPrompt);
  } finally {
    policy.dispose();
  }
}
