/**
 * Two-digit addition as a synthetic preference task: prompts `a+b=` with a, b ∈ [10, 99], a fixed
 * train / held-out split of the 8,100 problems, and seeded sampling of distinct problems from
 * either side.
 */
import { Rng } from '@prefstream/core';

/** Smallest and largest operand (two digits each). */
export const ADDITION_OPERANDS = { min: 10, max: 99 } as const;

/**
 * The character alphabet of the task, in token-id order for a `CharTokenizer` (the tokenizer adds
 * `<|endoftext|>` (EOS) and `<|pad|>` after it). Digits, `+` and `=` write the problems; `E` and
 * `S` are the C-RLFT condition labels (prompted as `E 12+34=`); ` ` separates a condition from the
 * prompt; `A`, `B`, `:` and `|` let a generative pairwise judge read two answers and name the
 * better one on the same tokenizer (e.g. `12+34=|A:46|B:45` → `A`).
 */
export const ADDITION_ALPHABET = '0123456789+=:| ABES';

/** Which side of the fixed split a problem is on. */
export type AdditionSplit = 'train' | 'heldout';

/** One problem: the operands, the prompt text and the exact answer (decimal, no leading zeros). */
export interface AdditionProblem {
  readonly a: number;
  readonly b: number;
  /** `a+b=`, e.g. `12+34=`. */
  readonly prompt: string;
  /** The sum in decimal, e.g. `46`. */
  readonly answer: string;
  /** Stable id, `a+b` (e.g. `12+34`), unique per problem. */
  readonly id: string;
}

const PROMPT = /^(?:[A-Z] )?(\d{2})\+(\d{2})=$/;

/** The prompt of a + b: `a+b=`. */
export function additionPrompt(a: number, b: number): string {
  checkOperand(a, 'a');
  checkOperand(b, 'b');
  return `${a}+${b}=`;
}

/** The problem a + b. */
export function additionProblem(a: number, b: number): AdditionProblem {
  const prompt = additionPrompt(a, b);
  return { a, b, prompt, answer: String(a + b), id: `${a}+${b}` };
}

/**
 * The operands of a prompt `a+b=`, optionally after a one-letter C-RLFT condition (`E 12+34=`).
 * Throws naming the prompt when it is not an addition prompt of this task.
 */
export function parseAdditionPrompt(prompt: string): { a: number; b: number } {
  const m = PROMPT.exec(prompt);
  if (!m) throw new Error(`addition task: prompt ${JSON.stringify(prompt)} is not of the form "a+b=" with two-digit a and b`);
  const a = Number(m[1]);
  const b = Number(m[2]);
  checkOperand(a, 'a');
  checkOperand(b, 'b');
  return { a, b };
}

/**
 * The fixed split: held-out when a 32-bit mix of (a, b) falls in the lowest fifth, so about 20%
 * of the problems (1,647 of 8,100) are held out. It depends on nothing but the operands: every
 * seed, run and engineer sees the same split, and no held-out prompt is ever a training prompt.
 */
export function additionSplit(a: number, b: number): AdditionSplit {
  return mix32(a * 128 + b) % 5 === 0 ? 'heldout' : 'train';
}

/** Every problem of one side of the split, in (a, b) order. */
export function allAdditionProblems(split: AdditionSplit): AdditionProblem[] {
  const out: AdditionProblem[] = [];
  for (let a = ADDITION_OPERANDS.min; a <= ADDITION_OPERANDS.max; a++) {
    for (let b = ADDITION_OPERANDS.min; b <= ADDITION_OPERANDS.max; b++) if (additionSplit(a, b) === split) out.push(additionProblem(a, b));
  }
  return out;
}

/**
 * `count` distinct problems of `split`, drawn without replacement by a seeded shuffle: the same
 * (split, count, seed) always gives the same list, and a larger count extends a smaller one.
 *
 * @example sampleAdditionProblems({ split: 'heldout', count: 200, seed: 1 }).map((p) => p.prompt)
 */
export function sampleAdditionProblems(options: { split: AdditionSplit; count: number; seed: number }): AdditionProblem[] {
  const all = allAdditionProblems(options.split);
  if (!Number.isInteger(options.count) || options.count < 0 || options.count > all.length) {
    throw new Error(`addition task: count ${options.count} must be an integer in [0, ${all.length}] for the ${options.split} split`);
  }
  return new Rng(options.seed).split(`addition/${options.split}`).shuffle(all).slice(0, options.count);
}

function checkOperand(x: number, name: string): void {
  if (!Number.isInteger(x) || x < ADDITION_OPERANDS.min || x > ADDITION_OPERANDS.max) {
    throw new Error(`addition task: operand ${name} = ${x} is not an integer in [${ADDITION_OPERANDS.min}, ${ADDITION_OPERANDS.max}]`);
  }
}

/** murmur3's 32-bit finalizer: spreads neighbouring operands over the whole range. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
