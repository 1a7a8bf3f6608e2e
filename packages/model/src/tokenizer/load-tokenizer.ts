/** Loads the tokenizer of a checkpoint directory, whatever its kind. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '@prefstream/core';
import type { Tokenizer } from '../policy.js';
import { readJsonFile } from './read-json-file.js';
import { HF_TOKENIZER_FILE, HF_TOKENIZER_KIND, TOKENIZER_CONFIG_FILE, TOKENIZER_KIND_FILE, TOKENIZER_KINDS } from './tokenizer-kinds.js';
import type { ToyTokenizerFile } from './toy-tokenizer.js';

/**
 * Reads `dir/tokenizer_config.json` (optional) and either `dir/prefstream_tokenizer.json` (a toy
 * tokenizer; its `type` picks the kind) or `dir/tokenizer.json` (Hugging Face).
 *
 * @throws DataError naming the file and field when a file is missing, malformed or inconsistent.
 * @example
 * const tok = await loadTokenizer('checkpoints/gpt2');
 * tok.decode(tok.encode('Hello world')); // 'Hello world'
 */
export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const configFile = path.join(dir, TOKENIZER_CONFIG_FILE);
  const config = (await readJsonFile(configFile, { optional: true })) ?? {};
  const kindPath = path.join(dir, TOKENIZER_KIND_FILE);
  const kindFile = (await readJsonFile(kindPath, { optional: true })) as ToyTokenizerFile | undefined;
  let type = HF_TOKENIZER_KIND;
  if (kindFile !== undefined) {
    if (typeof kindFile.type !== 'string') throw new DataError({ file: kindPath, field: 'type', message: 'expected a string' });
    if (!Array.isArray(kindFile.special_tokens) || !kindFile.special_tokens.every((t) => typeof t === 'string')) {
      throw new DataError({ file: kindPath, field: 'special_tokens', message: 'expected a list of strings' });
    }
    type = kindFile.type;
  }
  const kind = TOKENIZER_KINDS.get(type);
  if (kind === undefined) {
    throw new DataError({ file: kindPath, field: 'type', message: `unknown tokenizer kind "${type}"; valid kinds: ${[...TOKENIZER_KINDS.keys()].join(', ')}` });
  }
  return kind.load({ dir, config, kindFile });
}

/**
 * True when `dir` holds a tokenizer `loadTokenizer` can read (tokenizer.json or
 * prefstream_tokenizer.json); model directories without one are common (weights-only exports).
 */
export function hasTokenizer(dir: string): boolean {
  return existsSync(path.join(dir, TOKENIZER_KIND_FILE)) || existsSync(path.join(dir, HF_TOKENIZER_FILE));
}
