/**
 * POST a JSON body with a per-attempt timeout and retries: exponential backoff with jitter drawn
 * from a seeded rng (so a rerun waits the same way), on 429, 5xx, network errors and timeouts.
 * Other statuses fail at once. The final error carries the last status and body excerpt.
 * Shared by every stage that talks to an OpenAI-compatible server (the sampler's `openai`
 * engine, the reward package's remote judge).
 */
import type { Rng } from '../rng/rng.js';

export interface RetryPolicy {
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** First backoff; attempt k waits min(maxBackoffMs, backoffMs·2^k)·U[0.5, 1.5). */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** A request that failed for good. `status` is the last HTTP status (undefined: no response). */
export class HttpRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body: string | undefined,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpRequestError';
  }
}

/** Statuses worth another attempt: rate limits and server errors. */
export const isRetryableStatus = (status: number) => status === 429 || status >= 500;
const excerpt = (body: string) => (body.length > 300 ? `${body.slice(0, 300)}…` : body);

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
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

/** The response text of a 2xx answer. `onRetry` is told about each retry (for metrics). */
export async function postWithRetry(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  policy: RetryPolicy,
  rng: Pick<Rng, 'uniform'>,
  signal: AbortSignal,
  onRetry: (reason: string) => void,
): Promise<string> {
  let last = '';
  let status: number | undefined;
  let lastBody: string | undefined;
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    let retryAfterMs = 0;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
        signal: AbortSignal.any([signal, AbortSignal.timeout(policy.timeoutMs)]),
      });
      const text = await response.text();
      if (response.ok) return text;
      status = response.status;
      lastBody = text;
      last = `status ${status}: ${excerpt(text)}`;
      if (!isRetryableStatus(status)) throw new HttpRequestError(`POST ${url} failed with ${last}`, status, text, attempt + 1);
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = Math.min(retryAfter * 1000, policy.maxBackoffMs);
    } catch (error) {
      if (error instanceof HttpRequestError) throw error;
      if (signal.aborted) throw signal.reason;
      status = undefined;
      lastBody = undefined;
      const e = error as Error;
      last = e.name === 'TimeoutError' ? `timed out after ${policy.timeoutMs} ms` : `network error: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`;
    }
    if (attempt >= policy.maxRetries) {
      const message = attempt === 0 ? `POST ${url}: ${last}` : `POST ${url} failed after ${attempt + 1} attempt(s); last ${last}`;
      throw new HttpRequestError(message, status, lastBody, attempt + 1);
    }
    onRetry(last);
    const backoff = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** attempt) * (0.5 + rng.uniform());
    await abortableSleep(Math.max(backoff, retryAfterMs), signal);
  }
}
