/**
 * The tokenizer of a bandit: arm y is the word `a<y>` and token id y, so a row's completion text
 * `a2` is the single token 2 that {@link TabularPolicy} reads as its arm. Context words (C-RLFT's
 * class conditions, e.g. `expert`, `suboptimal`) are ids K … K+C−1 and `<bos>` is id K+C, the
 * prompt token every encoded prompt starts with (packing needs a non-empty prompt). There is no
 * EOS, so the `tokenize` stage appends nothing and a completion stays exactly one token.
 */
import { createHash } from 'node:crypto';
import { DataError } from '@prefstream/core';
import type { Tokenizer } from '@prefstream/model';

/** The text of prompts (the bandit has one prompt; it is empty, only `<bos>` is encoded). */
export const BANDIT_PROMPT = '';
const BOS = '<bos>';

/**
 * Text ↔ ids for K arms and named contexts.
 * @example const t = new ArmTokenizer(3, ['expert']); t.encode('expert a2'); // [4, 3, 2]
 */
export class ArmTokenizer implements Tokenizer {
  readonly eosTokenId = undefined;
  readonly padTokenId = undefined;
  readonly bosTokenId: number;
  readonly vocabSize: number;
  private readonly ids: ReadonlyMap<string, number>;

  /**
   * @param arms K, the number of arms (ids 0 … K−1).
   * @param contexts context words (ids K …), in order; none for an unconditioned bandit.
   */
  constructor(
    readonly arms: number,
    readonly contexts: readonly string[] = [],
  ) {
    if (!(Number.isInteger(arms) && arms >= 1)) throw new Error(`ArmTokenizer: arms must be an integer ≥ 1, got ${arms}`);
    const words = [...Array.from({ length: arms }, (_, i) => armText(i)), ...contexts, BOS];
    this.ids = new Map(words.map((w, i) => [w, i]));
    if (this.ids.size !== words.length) throw new Error(`ArmTokenizer: context words must be distinct and not arm words: ${contexts.join(', ')}`);
    this.bosTokenId = arms + contexts.length;
    this.vocabSize = words.length;
  }

  /** Whitespace-separated words; `<bos>` first when `addSpecialTokens` (the default, as HF). */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const out = options.addSpecialTokens === false ? [] : [this.bosTokenId];
    for (const word of text.split(/\s+/)) {
      if (word === '') continue;
      const id = this.ids.get(word);
      if (id === undefined) {
        throw new DataError({ field: 'text', message: `ArmTokenizer: "${word}" is not a word of this bandit (arms a0 … a${this.arms - 1}${this.contexts.length ? `, contexts ${this.contexts.join(', ')}` : ''})` });
      }
      out.push(id);
    }
    return out;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const words: string[] = [];
    for (const id of ids) {
      if (id === this.bosTokenId && options.skipSpecialTokens) continue;
      if (!(Number.isInteger(id) && id >= 0 && id < this.vocabSize)) throw new Error(`ArmTokenizer: id ${id} is outside [0, ${this.vocabSize})`);
      words.push(id < this.arms ? armText(id) : id === this.bosTokenId ? BOS : this.contexts[id - this.arms]!);
    }
    return words.join(' ');
  }

  /** The context index of a prompt: its last context token, or undefined when it has none. */
  contextOf(promptIds: ArrayLike<number>): number | undefined {
    for (let i = promptIds.length - 1; i >= 0; i--) {
      const c = promptIds[i]! - this.arms;
      if (c >= 0 && c < this.contexts.length) return c;
    }
    return undefined;
  }

  fingerprint(): string {
    return createHash('sha256').update(JSON.stringify({ kind: 'arms', arms: this.arms, contexts: this.contexts })).digest('hex');
  }
}

/** The completion text of arm `i`. @example armText(2) // 'a2' */
export function armText(i: number): string {
  return `a${i}`;
}

/** The arm of a completion text `a<i>`, or undefined for anything else. @example armOf('a2') // 2 */
export function armOf(text: string): number | undefined {
  const m = /^\s*a(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}
