/**
 * A byte-level tokenizer for toy tasks: ids 0–255 are the UTF-8 bytes of the text, special tokens
 * follow. Every string encodes without an unknown token, so it suits synthetic tasks over any text.
 */
import { ToyTokenizer, type ToyTokenizerOptions } from './toy-tokenizer.js';

const utf8 = new TextEncoder();
/** Not fatal: a sampled id sequence may cut a multi-byte character; it decodes to U+FFFD. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * 256 byte tokens + special tokens.
 *
 * @example
 * const tok = new ByteTokenizer();
 * tok.encode('hi<|endoftext|>'); // [104, 105, 256]
 * tok.vocabSize; // 258 (<|endoftext|> = 256, <|pad|> = 257)
 */
export class ByteTokenizer extends ToyTokenizer {
  readonly kind = 'byte';

  constructor(options: ToyTokenizerOptions = {}, where = 'ByteTokenizer') {
    super(256, options, where);
  }

  protected encodePlain(text: string): number[] {
    return Array.from(utf8.encode(text));
  }

  protected decodePlain(ids: readonly number[]): string {
    return ids.length === 0 ? '' : utf8Decoder.decode(Uint8Array.from(ids));
  }

  protected fileFields(): Record<string, unknown> {
    return {};
  }
}
