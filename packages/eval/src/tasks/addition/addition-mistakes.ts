/**
 * The sub-optimal source of the addition task: typical arithmetic mistakes, one registry entry
 * each. A mistake returns a wrong answer for (a, b), or undefined when it does not apply (no carry
 * to drop, digits that read the same swapped).
 */
import type { Rng } from '@prefstream/core';

/** A typical mistake: (a, b, rng) → a wrong answer text, or undefined when it does not apply. */
export type AdditionMistake = (a: number, b: number, rng: Rng) => string | undefined;

/** Column-wise sum of the digits with every carry dropped: 57+68 → `15` (not 125). */
export function droppedCarry(a: number, b: number): string | undefined {
  const units = ((a % 10) + (b % 10)) % 10;
  const tens = (Math.floor(a / 10) + Math.floor(b / 10)) % 10;
  const wrong = tens === 0 ? String(units) : `${tens}${units}`;
  return wrong === String(a + b) ? undefined : wrong;
}

/** The last two digits of the sum swapped: 12+34 → `64`, 57+68 → `152`. */
export function swappedDigits(a: number, b: number): string | undefined {
  const s = String(a + b);
  const wrong = `${s.slice(0, -2)}${s.at(-1)}${s.at(-2)}`;
  return wrong === s ? undefined : wrong;
}

/** The sum plus or minus one (a fair coin picks the sign): 12+34 → `45` or `47`. */
export function offByOne(a: number, b: number, rng: Rng): string {
  return String(a + b + (rng.uniform() < 0.5 ? -1 : 1));
}

/** Every mistake of the sub-optimal source, by name. Adding one is a function and a line here. */
export const ADDITION_MISTAKES: ReadonlyMap<string, AdditionMistake> = new Map<string, AdditionMistake>([
  ['dropped-carry', droppedCarry],
  ['swapped-digits', swappedDigits],
  ['off-by-one', offByOne],
]);

/**
 * A wrong answer from the sub-optimal source: a mistake drawn uniformly from
 * {@link ADDITION_MISTAKES}; when it does not apply to (a, b), the next one in registry order
 * (`off-by-one` always applies). The answer always differs from a + b.
 *
 * @example suboptimalAnswer(57, 68, new Rng(1)); // e.g. { completion: '15', mistake: 'dropped-carry' }
 */
export function suboptimalAnswer(a: number, b: number, rng: Rng): { completion: string; mistake: string } {
  const names = [...ADDITION_MISTAKES.keys()];
  const first = rng.int(names.length);
  for (let k = 0; k < names.length; k++) {
    const name = names[(first + k) % names.length]!;
    const completion = ADDITION_MISTAKES.get(name)!(a, b, rng);
    if (completion !== undefined && completion !== String(a + b)) return { completion, mistake: name };
  }
  // Unreachable: off-by-one always applies and always differs.
  throw new Error(`addition task: no mistake applies to ${a}+${b}`);
}
