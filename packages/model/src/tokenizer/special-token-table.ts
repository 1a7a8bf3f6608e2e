/**
 * The special tokens of a toy tokenizer (ByteTokenizer, CharTokenizer): their ids, which of them
 * play the bos / eos / pad / unk roles, and splitting text so a special token written in the text
 * becomes its id — as Hugging Face tokenizers do for added tokens.
 */
import { DataError } from '@prefstream/core';

/** Which special-token strings play which role. Every role must name one of `tokens`. */
export interface SpecialTokenRoles {
  bosToken?: string | undefined;
  eosToken?: string | undefined;
  padToken?: string | undefined;
  unkToken?: string | undefined;
}

/** A piece of text between special tokens, or a special token's id. */
export type TextPiece = { text: string } | { id: number };

/** Special tokens numbered from `firstId` in the order given. */
export class SpecialTokenTable {
  readonly tokens: readonly string[];
  readonly roles: SpecialTokenRoles;
  private readonly ids: ReadonlyMap<string, number>;
  /** Longest first, so "<|a|b|>" wins over "<|a" when both are specials. */
  private readonly byLength: readonly string[];

  constructor(tokens: readonly string[], firstId: number, roles: SpecialTokenRoles, where: string) {
    const ids = new Map<string, number>();
    tokens.forEach((t, i) => {
      if (t.length === 0) throw new DataError({ file: where, field: 'specialTokens', message: 'a special token is empty' });
      if (ids.has(t)) throw new DataError({ file: where, field: 'specialTokens', message: `"${t}" is listed twice` });
      ids.set(t, firstId + i);
    });
    for (const [role, token] of Object.entries(roles)) {
      if (token !== undefined && !ids.has(token)) {
        throw new DataError({ file: where, field: role, message: `"${token}" is not one of the special tokens (${tokens.join(', ')})` });
      }
    }
    this.tokens = [...tokens];
    this.roles = { ...roles };
    this.ids = ids;
    this.byLength = [...tokens].sort((a, b) => b.length - a.length);
  }

  idOf(token: string | undefined): number | undefined {
    return token === undefined ? undefined : this.ids.get(token);
  }

  /** The token string of a special id, or undefined when `id` is not special. */
  tokenOf(id: number): string | undefined {
    const first = this.ids.get(this.tokens[0] ?? '');
    return first === undefined ? undefined : this.tokens[id - first];
  }

  /** Splits `text` into plain pieces and special-token ids, left to right. */
  split(text: string): TextPiece[] {
    const pieces: TextPiece[] = [];
    let start = 0;
    let i = 0;
    while (i < text.length) {
      const hit = this.byLength.find((t) => text.startsWith(t, i));
      if (hit === undefined) {
        i += 1;
        continue;
      }
      if (i > start) pieces.push({ text: text.slice(start, i) });
      pieces.push({ id: this.ids.get(hit)! });
      i += hit.length;
      start = i;
    }
    if (start < text.length) pieces.push({ text: text.slice(start) });
    return pieces;
  }
}
