/**
 * A minimal OpenAI-compatible chat client (`POST {baseUrl}/chat/completions`) with a timeout per
 * attempt, retries with exponential backoff on network errors, timeouts, HTTP 429 and 5xx, and an
 * answer check: a reply that fails `parse` is retried too (a sampled judge may comply next time).
 */
import { abortableSleep, HttpRequestError, isRetryableStatus, postWithRetry } from '@prefstream/core';

export interface ChatRequestOptions {
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
}

/** A failure worth another attempt. */
class Retryable extends Error {}

const NO_RETRY = { maxRetries: 0, backoffMs: 0, maxBackoffMs: 0 };

/** One request; HTTP failures worth retrying (429, 5xx, network, timeout) become `Retryable`. */
async function attempt(options: ChatRequestOptions, content: string, signal: AbortSignal): Promise<string> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const request = { model: options.model, messages: [{ role: 'user', content }], temperature: options.temperature, max_tokens: options.maxTokens };
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  let text: string;
  try {
    // Retries live in askJudge, which also retries malformed answers: one attempt here, no jitter.
    text = await postWithRetry(url, request, headers, { ...NO_RETRY, timeoutMs: options.timeoutMs }, { uniform: () => 0.5 }, signal, () => {});
  } catch (err) {
    if (signal.aborted || !(err instanceof HttpRequestError)) throw err; // the run stopped: not retryable
    throw err.status === undefined || isRetryableStatus(err.status) ? new Retryable(err.message) : err;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Retryable(`POST ${url}: response is not JSON: ${text.slice(0, 200)}`);
  }
  const answer = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  if (typeof answer !== 'string') throw new Retryable(`POST ${url}: no choices[0].message.content in the response`);
  return answer;
}

/**
 * Asks the judge `content` and returns `parse(answer)`. `parse` throws on a malformed answer.
 * Resolves with the number of retries used, for the `judge/retries` metric.
 */
export async function askJudge<T>(
  options: ChatRequestOptions,
  content: string,
  parse: (answer: string) => T,
  signal: AbortSignal,
): Promise<{ value: T; retries: number }> {
  let last = '';
  for (let i = 0; i <= options.retries; i++) {
    if (i > 0) await abortableSleep(options.backoffMs * 2 ** (i - 1), signal);
    try {
      const answer = await attempt(options, content, signal);
      try {
        return { value: parse(answer), retries: i };
      } catch (err) {
        throw new Retryable(err instanceof Error ? err.message : String(err));
      }
    } catch (err) {
      if (!(err instanceof Retryable)) throw err;
      last = err.message;
    }
  }
  throw new Error(`${last} (gave up after ${options.retries + 1} attempts)`);
}
