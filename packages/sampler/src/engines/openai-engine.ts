/**
 * The `openai` engine: any OpenAI-compatible `/v1/completions` server — vLLM, llama.cpp, Ollama,
 * or `prefstream serve` (DESIGN §6). One request per prompt asks for all n samples with
 * `logprobs` so the stage can write `completion_logps`.
 */
import { z } from 'zod';
import { ConfigError, postWithRetry } from '@prefstream/core';
import type { Tokenizer } from '@prefstream/model';
import { defineEngine } from './candidate-engine.js';
import { parseCompletions } from '../internal/parse-completions.js';

/** Options of the `openai` engine. */
export const OpenAIEngineOptions = z.strictObject({
  kind: z.literal('openai'),
  /** Server root; requests go to `{baseUrl}/v1/completions`. */
  baseUrl: z.url(),
  /** The `model` field of the request (the name the server serves the policy under). */
  model: z.string().min(1),
  /** Requests in flight at once: enough to keep a batching server busy, few enough to be polite. */
  concurrency: z.number().int().positive().default(4),
  /** Per attempt; sampling 64 long completions can take a while on a busy server. */
  timeoutMs: z.number().int().positive().default(120_000),
  /** Retries on 429, 5xx, network errors and timeouts. */
  maxRetries: z.number().int().nonnegative().default(4),
  /** Backoff of the first retry; doubles each time, times a jitter in [0.5, 1.5). */
  backoffMs: z.number().nonnegative().default(500),
  maxBackoffMs: z.number().nonnegative().default(10_000),
  /** Environment variable holding a bearer token, if the server wants one. */
  apiKeyEnv: z.string().min(1).optional(),
  /** Ask for vLLM's `return_tokens_as_token_ids` and read `completion_ids` from the tokens. */
  returnTokenIds: z.boolean().default(false),
  /** Resource name of a Tokenizer that encodes completions into `completion_ids` (when the server gives none). */
  tokenizer: z.string().min(1).optional(),
  /** Send `top_k` (vLLM, llama.cpp and `prefstream serve` accept it; the OpenAI API does not). */
  sendTopK: z.boolean().default(true),
});
export type OpenAIEngineOptions = z.infer<typeof OpenAIEngineOptions>;

/** Engine `openai`. @example `{ engine: { kind: 'openai', baseUrl: 'http://127.0.0.1:8000', model: 'sft' } }` */
export const openaiEngine = defineEngine({
  kind: 'openai',
  options: OpenAIEngineOptions,
  producesIds: (o) => o.returnTokenIds || o.tokenizer !== undefined,
  create(options, ctx) {
    const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/completions`;
    const rng = ctx.rng.split('generateCandidates/openai'); // backoff jitter only
    let tokenizer: Tokenizer | undefined;
    if (options.tokenizer !== undefined) {
      tokenizer = ctx.resources.get(options.tokenizer) as Tokenizer | undefined;
      if (typeof tokenizer?.encode !== 'function') throw new ConfigError('stage generateCandidates', `engine openai: resource "${options.tokenizer}" is not a Tokenizer`);
    }
    const headers: Record<string, string> = {};
    if (options.apiKeyEnv) {
      const key = process.env[options.apiKeyEnv];
      if (!key) throw new ConfigError('stage generateCandidates', `engine openai: environment variable ${options.apiKeyEnv} is not set`);
      headers.authorization = `Bearer ${key}`;
    }
    const counters = { requests: 0, retries: 0 };
    return {
      concurrency: options.concurrency,
      async generate(request, params, seed, signal) {
        const prompt = request.prompt ?? (request.promptIds ? Array.from(request.promptIds) : undefined);
        const body = {
          model: options.model,
          prompt,
          n: params.n,
          temperature: params.temperature,
          top_p: params.topP,
          max_tokens: params.maxNewTokens,
          logprobs: 1,
          seed,
          ...(params.stop.length > 0 ? { stop: params.stop } : {}),
          ...(options.sendTopK && params.topK > 0 ? { top_k: params.topK } : {}),
          ...(options.returnTokenIds ? { return_tokens_as_token_ids: true } : {}),
        };
        counters.requests++;
        try {
          const text = await postWithRetry(url, body, headers, options, rng, signal, () => counters.retries++);
          return parseCompletions(text, params.n, { fromTokens: options.returnTokenIds, encode: tokenizer ? (t) => tokenizer!.encode(t) : undefined });
        } catch (error) {
          if (signal.aborted) throw error;
          throw new Error(`prompt "${request.promptId}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      },
      takeMetrics() {
        const out = { 'generate/requests': counters.requests, 'generate/retries': counters.retries };
        counters.requests = 0;
        counters.retries = 0;
        return out;
      },
      close: async () => {},
    };
  },
});
