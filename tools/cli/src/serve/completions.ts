/**
 * `POST /v1/completions` (OpenAI's legacy completions API): prompt string(s) or token ids →
 * `text_completion` with one choice per (prompt, sample), index = prompt · n + sample, as OpenAI
 * orders them.
 */
import { randomUUID } from 'node:crypto';
import type { Generation, Tokenizer } from '@prefstream/model';
import { CompletionRequest, parseRequest } from './request-schemas.js';
import { finishReason, generateOptions } from './generation-request.js';
import { unixNow, type ServeState } from './serve-state.js';

/** OpenAI's default max_tokens for this endpoint. */
const DEFAULT_MAX_TOKENS = 16;

function tokenPrompts(prompt: CompletionRequest['prompt'], tokenizer: Tokenizer): number[][] {
  if (typeof prompt === 'string') return [tokenizer.encode(prompt)];
  if (prompt.every((p) => typeof p === 'string')) return (prompt as string[]).map((p) => tokenizer.encode(p));
  if (prompt.every((p) => typeof p === 'number')) return [prompt as number[]];
  return prompt as number[][];
}

/**
 * Legacy `logprobs` object: sampled tokens only (no alternatives are computed). With `asIds`
 * (vLLM's `return_tokens_as_token_ids`) each token is `token_id:<n>`.
 */
export function legacyLogprobs(g: Generation, tokenizer: Tokenizer, asIds = false) {
  const tokens = g.completionIds.map((id) => (asIds ? `token_id:${id}` : tokenizer.decode([id])));
  const textOffset: number[] = [];
  let offset = 0;
  for (const t of tokens) {
    textOffset.push(offset);
    offset += t.length;
  }
  return { tokens, token_logprobs: g.tokenLogps, top_logprobs: null, text_offset: textOffset };
}

export async function createCompletion(body: unknown, state: ServeState): Promise<unknown> {
  const request = parseRequest(CompletionRequest, body);
  const prompts = tokenPrompts(request.prompt, state.tokenizer);
  const maxTokens = request.max_tokens ?? DEFAULT_MAX_TOKENS;
  const options = generateOptions(request, maxTokens, prompts, state.tokenizer, state.limits);
  const generations = await state.queue.run(() => state.generator.generate(prompts, options));
  const n = options.n ?? 1;
  const ordered = [...generations].sort((a, b) => a.promptIndex * n + a.sampleIndex - (b.promptIndex * n + b.sampleIndex));
  const completionTokens = generations.reduce((s, g) => s + g.completionIds.length, 0);
  const promptTokens = prompts.reduce((s, p) => s + p.length, 0);
  return {
    id: `cmpl-${randomUUID()}`,
    object: 'text_completion',
    created: unixNow(),
    model: state.modelName,
    choices: ordered.map((g) => ({
      index: g.promptIndex * n + g.sampleIndex,
      text: g.completion,
      logprobs: request.logprobs == null ? null : legacyLogprobs(g, state.tokenizer, request.return_tokens_as_token_ids ?? false),
      finish_reason: finishReason(g.finishReason),
    })),
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}
