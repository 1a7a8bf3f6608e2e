/**
 * Runs generations one at a time (the tensor backend is single-threaded; interleaving two
 * requests' kernels only slows both) with a bound on how many may wait. Beyond the bound a request
 * is refused at once with HTTP 429 instead of queueing without limit (STYLE habit 8).
 */
import { ApiError } from './api-error.js';

export class GenerationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** @param capacity requests running or waiting at most. */
  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new Error(`GenerationQueue: capacity must be an integer ≥ 1, got ${capacity}`);
  }

  /** Requests running or waiting now (a metric for logs and tests). */
  get depth(): number {
    return this.pending;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    if (this.pending >= this.capacity) {
      return Promise.reject(new ApiError(429, `server busy: ${this.pending} requests queued (limit ${this.capacity}); retry later`, 'rate_limit_error', null, 'queue_full'));
    }
    this.pending++;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.pending--;
    });
  }
}
