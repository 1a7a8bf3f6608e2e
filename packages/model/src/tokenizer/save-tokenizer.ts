/** Writes a tokenizer into a checkpoint directory so `loadTokenizer(dir)` gives it back. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tokenizer } from '../policy.js';

/** A tokenizer that knows its on-disk form: file name → JSON content. */
export interface SaveableTokenizer extends Tokenizer {
  files(): Record<string, unknown>;
}

/** True for tokenizers `saveTokenizer` can write (all the kinds of this package). */
export function isSaveableTokenizer(tokenizer: Tokenizer): tokenizer is SaveableTokenizer {
  return typeof (tokenizer as Partial<SaveableTokenizer>).files === 'function';
}

/**
 * Writes tokenizer_config.json plus tokenizer.json (Hugging Face) or prefstream_tokenizer.json
 * (toy kinds) into `dir`, creating it if needed.
 *
 * @example
 * await saveTokenizer(new CharTokenizer('0123456789+='), 'checkpoints/adder');
 * const tok = await loadTokenizer('checkpoints/adder'); // a CharTokenizer with the same ids
 */
export async function saveTokenizer(tokenizer: Tokenizer, dir: string): Promise<void> {
  if (!isSaveableTokenizer(tokenizer)) {
    throw new TypeError('saveTokenizer: this tokenizer has no files(); only loadTokenizer, ByteTokenizer and CharTokenizer tokenizers can be saved');
  }
  const files = tokenizer.files();
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), JSON.stringify(content, null, 2) + '\n');
  }
}
