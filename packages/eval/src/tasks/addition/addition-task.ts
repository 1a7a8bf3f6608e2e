/**
 * The addition task as one object: what a demo, a pipeline or a judge needs to set itself up on
 * it (tokenizer, prompts, gold reward, mixed-quality data, C-RLFT conditions).
 */
import { CharTokenizer } from '@prefstream/model';
import { additionMixedRows, ADDITION_SOURCES, type AdditionSource } from './addition-data.js';
import { ADDITION_ALPHABET, sampleAdditionProblems } from './addition-problems.js';
import { additionGoldReward } from './addition-reward.js';

/**
 * The character tokenizer of the task: {@link ADDITION_ALPHABET} (ids 0–18), then
 * `<|endoftext|>` (id 19, EOS) and `<|pad|>` (id 20): vocabulary 21.
 */
export function additionTokenizer(): CharTokenizer {
  return new CharTokenizer(ADDITION_ALPHABET);
}

/** The prompt a C-RLFT policy is given for `source`'s class: `<condition> <prompt>` (e.g. `E 12+34=`). */
export function conditionedPrompt(prompt: string, source: AdditionSource): string {
  return `${ADDITION_SOURCES[source].condition} ${prompt}`;
}

/**
 * Two-digit addition with partial credit. Completions are at most 3 digits and end with EOS (the
 * `tokenize` stage appends it to training completions; generation stops on it).
 *
 * @example
 * const { goldReward, sampleProblems } = additionTask;
 * const heldout = sampleProblems({ split: 'heldout', count: 200, seed: 1 });
 * goldReward(heldout[0]!.prompt, '123');
 */
export const additionTask = {
  name: 'addition',
  alphabet: ADDITION_ALPHABET,
  /** Longest correct answer in characters (99+99 = 198). */
  maxAnswerChars: 3,
  tokenizer: additionTokenizer,
  sampleProblems: sampleAdditionProblems,
  goldReward: additionGoldReward,
  mixedRows: additionMixedRows,
  sources: ADDITION_SOURCES,
  conditionedPrompt,
} as const;
