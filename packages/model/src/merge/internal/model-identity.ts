/**
 * What must agree before weights are combined: the architecture (config.json) and the vocabulary
 * (tokenizer files). Both are read from files only — no tokenizer engine, no tensor backend.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '@prefstream/core';
import { CONFIG_PARSERS, parseModelConfig } from '../../config/parse-model-config.js';
import { readJsonFile } from '../../tokenizer/read-json-file.js';

/** A checkpoint directory's identity, as recorded in manifests and compared between inputs. */
export interface ModelIdentity {
  readonly dir: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** sha256 of config.json's bytes. */
  readonly configSha256: string;
  /** Architecture fields that decide tensor meaning (names follow HF config keys). */
  readonly architecture: Readonly<Record<string, unknown>>;
  /** sha256 of the vocabulary-defining tokenizer content, or null when the directory has no tokenizer. */
  readonly tokenizerSha256: string | null;
}

/** JSON with object keys sorted, so identities do not depend on key order on disk. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const RAW_ARCH_KEYS = ['model_type', 'vocab_size', 'hidden_size', 'n_embd', 'num_hidden_layers', 'n_layer', 'num_attention_heads', 'n_head', 'num_key_value_heads', 'head_dim', 'intermediate_size', 'n_inner', 'tie_word_embeddings'];

function architectureOf(config: Record<string, unknown>, file: string): Record<string, unknown> {
  if (typeof config.model_type === 'string' && CONFIG_PARSERS[config.model_type]) {
    const c = parseModelConfig(config, file); // defaults filled in, so a missing key equals its default
    return {
      model_type: c.architecture,
      vocab_size: c.vocabSize,
      hidden_size: c.hiddenSize,
      num_hidden_layers: c.numLayers,
      num_attention_heads: c.numHeads,
      num_key_value_heads: c.numKvHeads,
      head_dim: c.headDim,
      intermediate_size: c.intermediateSize,
      tie_word_embeddings: c.tieWordEmbeddings,
    };
  }
  return Object.fromEntries(RAW_ARCH_KEYS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
}

/**
 * Files that define token ids. From tokenizer.json only `model` and `added_tokens` count (a
 * re-saved file with another pre-tokenizer formatting or chat template keeps its ids).
 */
const VOCAB_FILES: readonly { file: string; pick: (text: string, file: string) => unknown }[] = [
  { file: 'tokenizer.json', pick: (t, f) => { const j = parseJson(t, f); return { model: j.model, added_tokens: j.added_tokens ?? [] }; } },
  { file: 'prefstream_tokenizer.json', pick: (t, f) => parseJson(t, f) },
  { file: 'vocab.json', pick: (t, f) => parseJson(t, f) },
  { file: 'merges.txt', pick: (t) => t },
  { file: 'tokenizer.model', pick: (t) => t },
];

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new DataError({ file, message: `malformed JSON: ${(cause as Error).message}`, cause });
  }
}

async function tokenizerSha256(dir: string): Promise<string | null> {
  const hash = createHash('sha256');
  let found = false;
  for (const { file, pick } of VOCAB_FILES) {
    const p = path.join(dir, file);
    if (!existsSync(p)) continue;
    found = true;
    hash.update(file).update(canonicalJson(pick(await readFile(p, file === 'tokenizer.model' ? 'latin1' : 'utf8'), p)));
  }
  return found ? hash.digest('hex') : null;
}

/** Reads a checkpoint directory's identity. @throws DataError when config.json is missing or malformed. */
export async function readModelIdentity(dir: string): Promise<ModelIdentity> {
  const file = path.join(dir, 'config.json');
  const config = (await readJsonFile(file))!;
  return {
    dir,
    config,
    configSha256: createHash('sha256').update(await readFile(file)).digest('hex'),
    architecture: architectureOf(config, file),
    tokenizerSha256: await tokenizerSha256(dir),
  };
}

/**
 * Refuses to combine checkpoints of different architectures or vocabularies.
 * A tokenizer is compared only when both directories have one (weights-only exports are common);
 * the vocabulary size is always compared through config.json and the embedding shapes.
 * @throws DataError naming both directories and the first differing field.
 */
export function assertSameModel(ref: ModelIdentity, other: ModelIdentity): void {
  const keys = new Set([...Object.keys(ref.architecture), ...Object.keys(other.architecture)]);
  for (const k of keys) {
    const a = ref.architecture[k];
    const b = other.architecture[k];
    if (canonicalJson(a) !== canonicalJson(b)) {
      throw new DataError({ file: path.join(other.dir, 'config.json'), field: k, message: `different architecture: ${JSON.stringify(b)} here but ${JSON.stringify(a)} in ${ref.dir}` });
    }
  }
  if (ref.tokenizerSha256 !== null && other.tokenizerSha256 !== null && ref.tokenizerSha256 !== other.tokenizerSha256) {
    throw new DataError({ file: other.dir, message: `different tokenizer vocabulary than ${ref.dir} (tokenizer files differ in their token ids); merging would mix token meanings` });
  }
}
