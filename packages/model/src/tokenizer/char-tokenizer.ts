/**
 * A character-level tokenizer over a fixed alphabet for toy tasks (e.g. arithmetic or copy tasks
 * over "0123456789+= "): id i is the i-th character of the alphabet, special tokens follow.
 */
import { DataError } from '@prefstream/core';
import { ToyTokenizer, type ToyTokenizerOptions } from './toy-tokenizer.js';

/**
 * One token per Unicode code point of `alphabet`, then the special tokens. A character outside
 * the alphabet becomes `unkToken` when one is set and is an error otherwise.
 *
 * @example
 * const tok = new CharTokenizer('ab ');
 * tok.encode('ab a'); // [0, 1, 2, 0]
 * tok.decode([1, 0, 3]); // 'ba<|endoftext|>'
 */
export class CharTokenizer extends ToyTokenizer {
  readonly kind = 'char';
  /** The alphabet, one entry per code point. */
  readonly alphabet: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;
  private readonly unkId: number | undefined;

  constructor(alphabet: string, options: ToyTokenizerOptions = {}, where = 'CharTokenizer') {
    const chars = Array.from(alphabet);
    super(chars.length, options, where);
    if (chars.length === 0) throw new DataError({ file: where, field: 'alphabet', message: 'the alphabet is empty' });
    const ids = new Map<string, number>();
    chars.forEach((c, i) => {
      if (ids.has(c)) throw new DataError({ file: where, field: 'alphabet', message: `character ${JSON.stringify(c)} appears twice` });
      ids.set(c, i);
    });
    this.alphabet = chars;
    this.ids = ids;
    this.unkId = this.specials.idOf(this.specials.roles.unkToken);
  }

  protected encodePlain(text: string): number[] {
    return Array.from(text, (c) => {
      const id = this.ids.get(c) ?? this.unkId;
      if (id === undefined) {
        const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
        throw new DataError({ message: `char tokenizer: character ${JSON.stringify(c)} (U+${code}) is not in the alphabet and no unkToken is set` });
      }
      return id;
    });
  }

  protected decodePlain(ids: readonly number[]): string {
    return ids.map((id) => this.alphabet[id]).join('');
  }

  protected fileFields(): Record<string, unknown> {
    return { alphabet: this.alphabet.join('') };
  }
}
