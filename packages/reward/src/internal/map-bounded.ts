/**
 * Runs `fn` over `items` with at most `limit` calls in flight (STYLE habit 8: bounded everything).
 * Results keep the input order. The first rejection rejects the whole call; once aborted, no new
 * call starts.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R> | R,
  signal?: AbortSignal,
): Promise<R[]> {
  if (!(limit >= 1) || !Number.isInteger(limit)) throw new Error(`mapBounded: limit must be a positive integer, got ${limit}`);
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  }
  const workers = Array.from({ length: Math.min(limit, items.length) }, () => worker());
  await Promise.all(workers);
  return out;
}
