/**
 * Packs prompt + completion token sequences into one padded batch for `sequenceLogps`.
 */
import type { PackedBatch } from './policy.js';

export interface PackSequencesOptions {
  /** Where padding goes; left padding keeps every row's last token at the end (generation). */
  padSide: 'left' | 'right';
  padTokenId: number;
  /**
   * Cap on T. A longer row loses completion tokens from its end first, then prompt tokens from the
   * prompt's start (TRL's `keep_end` for prompts); `completionLengths` counts what remains.
   */
  maxLength?: number;
}

function checkIds(ids: ArrayLike<number>, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0) throw new Error(`packSequences: ${what}[${i}] = ${id} is not a non-negative integer token id`);
  }
}

/**
 * @example
 * const batch = packSequences([[1, 2], [3]], [[4], [5, 6]], { padSide: 'right', padTokenId: 0 });
 * // inputIds [1,2,4, 3,5,6], completionMask [0,0,1, 0,1,1]
 */
export function packSequences(
  prompts: readonly ArrayLike<number>[],
  completions: readonly ArrayLike<number>[],
  options: PackSequencesOptions,
): PackedBatch {
  if (prompts.length !== completions.length) throw new Error(`packSequences: ${prompts.length} prompts but ${completions.length} completions`);
  if (!(options.padSide === 'left' || options.padSide === 'right')) throw new Error(`packSequences: padSide must be 'left' or 'right', got ${String(options.padSide)}`);
  checkIds([options.padTokenId], 'padTokenId');
  const max = options.maxLength;
  if (max !== undefined && !(Number.isInteger(max) && max >= 2)) throw new Error(`packSequences: maxLength must be an integer ≥ 2, got ${max}`);
  const rows = prompts.map((prompt, b) => {
    const completion = completions[b]!;
    checkIds(prompt, `prompts[${b}]`);
    checkIds(completion, `completions[${b}]`);
    if (prompt.length === 0 && completion.length > 0) {
      throw new Error(`packSequences: prompts[${b}] is empty, so the first completion token has no context (prepend a BOS token)`);
    }
    let p = Array.from(prompt);
    let c = Array.from(completion);
    if (max !== undefined && p.length + c.length > max) {
      c = c.slice(0, Math.max(0, max - p.length));
      if (p.length + c.length > max) p = p.slice(p.length - max);
    }
    return { p, c };
  });
  const B = rows.length;
  const T = Math.max(1, ...rows.map(({ p, c }) => p.length + c.length));
  const inputIds = new Int32Array(B * T).fill(options.padTokenId);
  const attentionMask = new Int32Array(B * T);
  const completionMask = new Int32Array(B * T);
  const completionLengths = new Int32Array(B);
  rows.forEach(({ p, c }, b) => {
    const len = p.length + c.length;
    const start = b * T + (options.padSide === 'left' ? T - len : 0);
    inputIds.set(p, start);
    inputIds.set(c, start + p.length);
    attentionMask.fill(1, start, start + len);
    completionMask.fill(1, start + p.length, start + len);
    completionLengths[b] = c.length;
  });
  return { inputIds, attentionMask, completionMask, batchSize: B, seqLen: T, completionLengths };
}
