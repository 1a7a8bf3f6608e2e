/**
 * Validates `generate`'s arguments and fills defaults from the model's generation_config.json,
 * config.json and tokenizer, before any tensor is built.
 */
import type { CausalLM } from '../causal-lm.js';
import type { Tokenizer } from '../policy.js';
import type { ModelGenerateOptions } from './generate.js';
import type { SamplingParams } from './sample-token.js';

export interface ResolvedGenerateOptions {
  readonly maxNewTokens: number;
  readonly n: number;
  readonly sampling: SamplingParams;
  readonly eosTokenIds: readonly number[];
  readonly stop: readonly string[];
  readonly seed: number;
  readonly batchSize: number;
  readonly padTokenId: number;
  readonly tokenizer: Tokenizer | undefined;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`generate: ${message}`);
}

/**
 * Temperature defaults to generation_config.json's when it sets `do_sample: true`, else 1
 * (sampling); pass `temperature: 0` for greedy decoding. EOS ids default to the tokenizer's, then
 * generation_config.json's, then config.json's.
 */
export function resolveGenerateOptions(model: CausalLM, prompts: readonly (readonly number[])[], options: ModelGenerateOptions): ResolvedGenerateOptions {
  const g = model.generationConfig;
  const c = model.config;
  const tokenizer = options.tokenizer ?? model.tokenizer;
  const maxNewTokens = options.maxNewTokens;
  check(Number.isInteger(maxNewTokens) && maxNewTokens >= 1, `maxNewTokens must be an integer ≥ 1, got ${maxNewTokens}`);
  const n = options.n ?? 1;
  check(Number.isInteger(n) && n >= 1, `n must be an integer ≥ 1, got ${n}`);
  const temperature = options.temperature ?? (g.doSample ? (g.temperature ?? 1) : 1);
  check(Number.isFinite(temperature) && temperature >= 0, `temperature must be ≥ 0, got ${temperature}`);
  const topK = options.topK ?? (g.doSample ? (g.topK ?? 0) : 0);
  check(Number.isInteger(topK) && topK >= 0, `topK must be an integer ≥ 0 (0 = off), got ${topK}`);
  const topP = options.topP ?? (g.doSample ? (g.topP ?? 1) : 1);
  check(topP > 0 && topP <= 1, `topP must be in (0, 1], got ${topP}`);
  const stop = options.stop ?? [];
  check(stop.every((s) => typeof s === 'string' && s.length > 0), 'stop strings must be non-empty strings');
  check(!stop.length || tokenizer !== undefined, 'stop strings need a tokenizer (pass options.tokenizer or set model.tokenizer)');
  const seed = options.seed ?? 0;
  check(Number.isInteger(seed), `seed must be an integer, got ${seed}`);
  const batchSize = options.batchSize ?? Math.max(1, prompts.length * n);
  check(Number.isInteger(batchSize) && batchSize >= 1, `batchSize must be an integer ≥ 1, got ${batchSize}`);
  const eosTokenIds = options.eosTokenIds ?? (tokenizer?.eosTokenId !== undefined ? [tokenizer.eosTokenId] : g.eosTokenIds.length ? g.eosTokenIds : c.eosTokenIds);
  check(prompts.length > 0, 'no prompts');
  prompts.forEach((p, i) => {
    check(p.length > 0, `prompts[${i}] is empty (start it with a BOS token)`);
    for (const id of p) check(Number.isInteger(id) && id >= 0 && id < c.vocabSize, `prompts[${i}] has token id ${id} outside the vocabulary [0, ${c.vocabSize})`);
  });
  const longest = Math.max(...prompts.map((p) => p.length));
  if (c.architecture === 'gpt2') {
    check(longest + maxNewTokens <= c.maxPositions, `longest prompt (${longest}) + maxNewTokens (${maxNewTokens}) exceeds the ${c.maxPositions} learned positions`);
  }
  const padTokenId = g.padTokenId ?? c.padTokenId ?? eosTokenIds[0] ?? 0;
  return { maxNewTokens, n, sampling: { temperature, topK, topP }, eosTokenIds, stop, seed, batchSize, padTokenId: padTokenId < c.vocabSize ? padTokenId : 0, tokenizer };
}
