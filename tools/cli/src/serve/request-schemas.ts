/**
 * The request bodies `prefstream serve` accepts, as zod schemas following OpenAI's API reference
 * (`/v1/completions`, `/v1/chat/completions`). Fields OpenAI clients send that do not change the
 * result here (`user`, `frequency_penalty: 0`, …) are ignored; fields that would change it and are
 * not supported (`stream: true`, `echo: true`) are a 400, never silently dropped.
 */
import { z } from 'zod';
import { ApiError } from './api-error.js';

const sampling = {
  model: z.string().nullish(),
  /** Samples per prompt. */
  n: z.number().int().min(1).max(64).nullish(),
  /** OpenAI's default 1; 0 is greedy. */
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  /** vLLM's extension; −1 or 0 = off. */
  top_k: z.number().int().min(-1).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish(),
  stream: z.boolean().nullish(),
};

const tokenIds = z.array(z.number().int().min(0)).min(1);

export const CompletionRequest = z.looseObject({
  ...sampling,
  prompt: z.union([z.string(), z.array(z.string()).min(1), tokenIds, z.array(tokenIds).min(1)]),
  /** OpenAI's default for /v1/completions is 16 tokens. */
  max_tokens: z.number().int().min(1).nullish(),
  /** Any value ≥ 0 returns the sampled tokens' log-probs; alternatives (top_logprobs) are not computed. */
  logprobs: z.number().int().min(0).max(5).nullish(),
  echo: z.boolean().nullish(),
  /** vLLM's extension: log-prob tokens as `token_id:<n>`, so clients get exact ids (bytes that are not valid UTF-8 on their own survive). */
  return_tokens_as_token_ids: z.boolean().nullish(),
});
export type CompletionRequest = z.output<typeof CompletionRequest>;

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart).min(1)]),
});

export const ChatCompletionRequest = z.looseObject({
  ...sampling,
  messages: z.array(message).min(1),
  max_tokens: z.number().int().min(1).nullish(),
  /** The newer name of max_tokens. */
  max_completion_tokens: z.number().int().min(1).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
});
export type ChatCompletionRequest = z.output<typeof ChatCompletionRequest>;

/** Parses `body` or throws a 400 naming the first bad field, as OpenAI's `param`. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ApiError.badRequest('request body must be a JSON object');
  const result = schema.safeParse(body);
  if (result.success) {
    const parsed = result.data as { stream?: boolean | null; echo?: boolean | null };
    if (parsed.stream) throw ApiError.badRequest('stream: true is not supported by this server; send stream: false', 'stream');
    if (parsed.echo) throw ApiError.badRequest('echo: true is not supported by this server', 'echo');
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const param = issue.path.map(String).join('.') || null;
  throw ApiError.badRequest(`${param ?? 'body'}: ${issue.message}`, param);
}
