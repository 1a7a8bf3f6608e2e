/**
 * The gold reward of the addition task: exact answers score 1, near misses get partial credit by
 * place value, anything else scores less.
 */
import { parseAdditionPrompt } from './addition-problems.js';

/**
 * Partial credit of `completion` against the decimal `answer`, in [0, 1]:
 *
 *   r = #{ i ≥ 0 : c[|c|−1−i] = t[|t|−1−i] } / max(|t|, |c|)
 *
 * where t is the answer and c the completion text (EOS already stripped), both compared
 * character by character from the right (units with units, tens with tens, …). So r = 1 exactly
 * when c = t; a missing or extra character costs one position (`46` → `6` scores 0.5, `4`
 * scores 0, `466` scores 1/3); a character that is not a digit never matches. The empty completion scores 0.
 *
 * @example
 * additionPartialCredit('46', '46');  // 1
 * additionPartialCredit('46', '45');  // 0.5 (off by one)
 * additionPartialCredit('125', '15'); // 1/3 (dropped carry: units match, tens and hundreds do not)
 * additionPartialCredit('46', '64');  // 0 (swapped digits)
 */
export function additionPartialCredit(answer: string, completion: string): number {
  const t = Array.from(answer);
  const c = Array.from(completion);
  const width = Math.max(t.length, c.length);
  if (width === 0 || c.length === 0) return 0;
  let matches = 0;
  for (let i = 0; i < Math.min(t.length, c.length); i++) if (t[t.length - 1 - i] === c[c.length - 1 - i]) matches++;
  return matches / width;
}

/**
 * The gold reward `(prompt, completion) → [0, 1]`: {@link additionPartialCredit} of the completion
 * against the true sum of the prompt `a+b=` (a one-letter condition prefix such as `E 12+34=` is
 * allowed). Usable as a `function` reward resource (`{ kind: function, fn: <name> }`).
 *
 * @example additionGoldReward('12+34=', '46'); // 1
 */
export function additionGoldReward(prompt: string, completion: string): number {
  const { a, b } = parseAdditionPrompt(prompt);
  return additionPartialCredit(String(a + b), completion);
}
