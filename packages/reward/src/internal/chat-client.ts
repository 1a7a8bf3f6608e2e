/**
 * A minimal OpenAI-compatible chat client (`POST {baseUrl}/chat/completions`) with a timeout per
 * attempt, retries with exponential backoff on network errors, timeouts, HTTP 429 and 5xx, and an
 * answer check: a reply that fails `parse` is retried too (a sampled judge may comply next time).
 */

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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function attempt(options: ChatRequestOptions, content: string, signal: AbortSignal): Promise<string> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
      body: JSON.stringify({
        model: options.model,
        messages: [{ role: 'user', content }],
        temperature: options.temperature,
        max_tokens: options.maxTokens,
      }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
    });
  } catch (err) {
    if (signal.aborted) throw err; // the run stopped: not retryable
    const why = err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${options.timeoutMs} ms` : String(err instanceof Error ? (err.cause ?? err.message) : err);
    throw new Retryable(`POST ${url}: ${why}`);
  }
  const text = await response.text();
  if (!response.ok) {
    const message = `POST ${url}: HTTP ${response.status}: ${text.slice(0, 200)}`;
    throw response.status === 429 || response.status >= 500 ? new Retryable(message) : new Error(message);
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
    if (i > 0) await sleep(options.backoffMs * 2 ** (i - 1), signal);
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
