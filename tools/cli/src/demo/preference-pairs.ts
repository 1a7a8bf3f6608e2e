/**
 * Step (a) of the demo: preference pairs from the SFT policy. Two completions are sampled per
 * prompt (temperature 1) and labelled by a noisy judge of the gold reward: the first is chosen
 * with probability σ((g₁ − g₂)/τ) (Bradley–Terry with temperature τ on the gold rewards g), so
 * near misses are often mislabelled and clear differences rarely. Pairs with equal gold rewards
 * (including identical completions) carry no preference and are skipped — counted, not dropped
 * silently.
 */
import { Rng } from '@prefstream/core';
import type { CausalLM, Tokenizer } from '@prefstream/model';
import type { AdditionProblem } from '@prefstream/eval';
import type { DemoReward } from './methods/demo-method.js';

/** One labelled pair, in the columns of the `dpo` and `reward-model` pipelines plus the gold rewards. */
export interface PairRow {
  prompt_id: string;
  prompt: string;
  chosen: string;
  rejected: string;
  chosen_gold: number;
  rejected_gold: number;
}

/** Pairs and what was skipped or mislabelled on the way. */
export interface PairSet {
  pairs: PairRow[];
  /** Prompts sampled. */
  prompts: number;
  /** Pairs skipped because both completions had the same gold reward. */
  ties: number;
  /** …of which the two completions were identical. */
  identical: number;
  /** Kept pairs whose label disagrees with the gold reward (the judge's noise). */
  flipped: number;
}

/** Options of {@link samplePreferencePairs}. */
export interface PairOptions {
  /** τ of the noisy judge, in gold-reward units. */
  labelTemperature: number;
  maxNewTokens: number;
  seed: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The noisy judge: true when it prefers the first of two completions with gold rewards g₁, g₂,
 * which happens with probability σ((g₁ − g₂)/τ) (one uniform draw from `rng`).
 */
export function noisyPrefersFirst(g1: number, g2: number, temperature: number, rng: Rng): boolean {
  if (!(temperature > 0)) throw new Error(`demo preference labels: temperature must be > 0, got ${temperature}`);
  return rng.uniform() < sigmoid((g1 - g2) / temperature);
}

/** Samples two completions per problem from `policy` and labels them with the noisy gold judge. */
export async function samplePreferencePairs(
  policy: CausalLM,
  tokenizer: Tokenizer,
  problems: readonly AdditionProblem[],
  gold: DemoReward,
  options: PairOptions,
): Promise<PairSet> {
  const generations = await policy.generate(
    problems.map((p) => tokenizer.encode(p.prompt)),
    { maxNewTokens: options.maxNewTokens, temperature: 1, n: 2, seed: options.seed, tokenizer },
  );
  const rng = new Rng(options.seed).split('demo/pair-labels');
  const set: PairSet = { pairs: [], prompts: problems.length, ties: 0, identical: 0, flipped: 0 };
  problems.forEach((problem, i) => {
    const [a, b] = [generations[2 * i]!.completion, generations[2 * i + 1]!.completion];
    const [ga, gb] = [gold(problem.prompt, a), gold(problem.prompt, b)];
    if (ga === gb) {
      set.ties++;
      if (a === b) set.identical++;
      return;
    }
    const firstChosen = noisyPrefersFirst(ga, gb, options.labelTemperature, rng);
    const [chosen, rejected, chosenGold, rejectedGold] = firstChosen ? [a, b, ga, gb] : [b, a, gb, ga];
    if (chosenGold < rejectedGold) set.flipped++;
    set.pairs.push({ prompt_id: problem.id, prompt: problem.prompt, chosen, rejected, chosen_gold: chosenGold, rejected_gold: rejectedGold });
  });
  return set;
}
