/**
 * Mixed-quality supervised data for the addition task: an expert source that always answers
 * correctly and a sub-optimal source that makes typical mistakes, each row labelled with its
 * source, its C-RLFT condition and class weight (OpenChat arXiv 2309.11235 §3.2).
 */
import { Rng } from '@prefstream/core';
import { sampleAdditionProblems, type AdditionProblem, type AdditionSplit } from './addition-problems.js';
import { suboptimalAnswer } from './addition-mistakes.js';

/** The data sources: their C-RLFT condition label (one letter of the alphabet) and class weight. */
export const ADDITION_SOURCES = {
  /** Always right; OpenChat's GPT-4 class: reward 1. */
  expert: { condition: 'E', weight: 1 },
  /** A typical mistake on every row; OpenChat's GPT-3.5 class: reward 0.1. */
  suboptimal: { condition: 'S', weight: 0.1 },
} as const;

/** A source name: `expert` or `suboptimal`. */
export type AdditionSource = keyof typeof ADDITION_SOURCES;

/** One supervised row, with the columns of the `sft` and `crlft` pipelines. */
export interface AdditionRow {
  prompt_id: string;
  prompt: string;
  completion: string;
  source: AdditionSource;
  /** The mistake of a sub-optimal row (`dropped-carry`, …); `none` for expert rows. */
  mistake: string;
  /** C-RLFT class label of the source (`E` / `S`). */
  condition: string;
  /** C-RLFT class weight of the source (1 / 0.1). */
  weight: number;
}

/** The expert answer of a problem: the exact sum. */
export function expertAnswer(problem: Pick<AdditionProblem, 'a' | 'b'>): string {
  return String(problem.a + problem.b);
}

/** The row of `problem` answered by `source` (draws from `rng` for sub-optimal answers). */
export function additionRow(problem: AdditionProblem, source: AdditionSource, rng: Rng): AdditionRow {
  const { condition, weight } = ADDITION_SOURCES[source];
  const base = { prompt_id: problem.id, prompt: problem.prompt, source, condition, weight };
  if (source === 'expert') return { ...base, completion: expertAnswer(problem), mistake: 'none' };
  const { completion, mistake } = suboptimalAnswer(problem.a, problem.b, rng);
  return { ...base, completion, mistake };
}

/** Options of {@link additionMixedRows}. */
export interface AdditionMixedOptions {
  /** Rows, one per distinct problem of the split. */
  count: number;
  seed: number;
  /** Probability that a row comes from the expert source (the rest are sub-optimal). */
  expertFraction: number;
  /** Default `train`. */
  split?: AdditionSplit;
}

/**
 * `count` rows on distinct problems of the split (default train), each from the expert source
 * with probability `expertFraction`, else from the sub-optimal one. Deterministic in the options.
 *
 * @example additionMixedRows({ count: 4000, seed: 1, expertFraction: 0.35 })
 */
export function additionMixedRows(options: AdditionMixedOptions): AdditionRow[] {
  if (!(options.expertFraction >= 0 && options.expertFraction <= 1)) {
    throw new Error(`addition task: expertFraction ${options.expertFraction} must be in [0, 1]`);
  }
  const problems = sampleAdditionProblems({ split: options.split ?? 'train', count: options.count, seed: options.seed });
  const rng = new Rng(options.seed).split('addition/sources');
  return problems.map((p) => additionRow(p, rng.uniform() < options.expertFraction ? 'expert' : 'suboptimal', rng));
}

