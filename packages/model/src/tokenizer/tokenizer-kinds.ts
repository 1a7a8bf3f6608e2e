/**
 * The registry of tokenizer kinds `loadTokenizer` chooses from. A directory written by
 * `saveTokenizer` for a toy tokenizer holds prefstream_tokenizer.json whose `type` names its kind;
 * a directory without it is a Hugging Face tokenizer (tokenizer.json). Adding a kind is a new file
 * and a line here.
 */
import path from 'node:path';
import { DataError } from '@prefstream/core';
import type { Tokenizer } from '../policy.js';
import { ByteTokenizer } from './byte-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import { HfTokenizer } from './hf-tokenizer.js';
import { readJsonFile } from './read-json-file.js';
import { toyOptionsFromConfig, type ToyTokenizerFile } from './toy-tokenizer.js';

/** The file naming a toy tokenizer's kind; Hugging Face directories do not have it. */
export const TOKENIZER_KIND_FILE = 'prefstream_tokenizer.json';
/** Hugging Face's names, also written by toy tokenizers so every checkpoint has the same layout. */
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const HF_TOKENIZER_FILE = 'tokenizer.json';
/** The kind of a directory without prefstream_tokenizer.json. */
export const HF_TOKENIZER_KIND = 'hf';

/** What a kind's loader gets: the directory and its parsed tokenizer_config.json. */
export interface TokenizerSource {
  dir: string;
  /** tokenizer_config.json, or {} when the directory has none. */
  config: Record<string, unknown>;
  /** prefstream_tokenizer.json, for toy kinds. */
  kindFile: ToyTokenizerFile | undefined;
}

/** One tokenizer kind: how to build it from a directory. */
export interface TokenizerKind {
  readonly type: string;
  load(source: TokenizerSource): Promise<Tokenizer>;
}

function kindFilePath(source: TokenizerSource): string {
  return path.join(source.dir, TOKENIZER_KIND_FILE);
}

const hf: TokenizerKind = {
  type: HF_TOKENIZER_KIND,
  async load(source) {
    const tokenizerFile = path.join(source.dir, HF_TOKENIZER_FILE);
    const json = (await readJsonFile(tokenizerFile))!;
    return new HfTokenizer(json, source.config, { tokenizerFile, configFile: path.join(source.dir, TOKENIZER_CONFIG_FILE) });
  },
};

const byte: TokenizerKind = {
  type: 'byte',
  async load(source) {
    return new ByteTokenizer(toyOptionsFromConfig(source.kindFile!, source.config), kindFilePath(source));
  },
};

const char: TokenizerKind = {
  type: 'char',
  async load(source) {
    const alphabet = source.kindFile!.alphabet;
    if (typeof alphabet !== 'string') {
      throw new DataError({ file: kindFilePath(source), field: 'alphabet', message: 'expected a string' });
    }
    return new CharTokenizer(alphabet, toyOptionsFromConfig(source.kindFile!, source.config), kindFilePath(source));
  },
};

/** Every tokenizer kind, by its `type`. */
export const TOKENIZER_KINDS: ReadonlyMap<string, TokenizerKind> = new Map([hf, byte, char].map((k) => [k.type, k]));
