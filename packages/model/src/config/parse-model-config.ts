/**
 * `config.json` → {@link ModelConfig}, through a registry of parsers keyed by HF `model_type`.
 * Adding an architecture is a parser file and a line here.
 */
import { ConfigError } from '@prefstream/core';
import type { ModelConfig } from './model-config.js';
import { parseGpt2Config } from './gpt2-config.js';
import { parseLlamaConfig } from './llama-config.js';

type ConfigParser = (json: Record<string, unknown>, where: string) => ModelConfig;

/** HF `model_type` → parser. Mistral checkpoints are Llama with a sliding window. */
export const CONFIG_PARSERS: Readonly<Record<string, ConfigParser>> = {
  gpt2: parseGpt2Config,
  llama: (json, where) => parseLlamaConfig(json, where, 'llama'),
  mistral: (json, where) => parseLlamaConfig(json, where, 'llama'),
  qwen2: (json, where) => parseLlamaConfig(json, where, 'qwen2'),
};

/**
 * Parses a Hugging Face `config.json` object.
 * @param where names the source in errors (a file path, or e.g. "CausalLM.random config").
 * @throws ConfigError naming `where` and the field, listing the supported `model_type`s.
 * @example
 * const config = parseModelConfig({ model_type: 'gpt2', vocab_size: 256, n_embd: 64, n_layer: 2, n_head: 2, n_positions: 64 });
 */
export function parseModelConfig(json: unknown, where = 'config.json'): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(where, 'must be a JSON object');
  const modelType = (json as { model_type?: unknown }).model_type;
  const parser = typeof modelType === 'string' ? CONFIG_PARSERS[modelType] : undefined;
  if (!parser) {
    throw new ConfigError(where, `model_type ${JSON.stringify(modelType)} is not supported; supported: ${Object.keys(CONFIG_PARSERS).join(', ')}`);
  }
  return parser(json as Record<string, unknown>, where);
}
