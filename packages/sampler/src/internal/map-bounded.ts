/**
 * Runs an async function over items with at most `limit` in flight, results in input order.
 * `onError` sees each failure and returns true to stop new launches (the rest are reported as not run).
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown } | { ok: false; error: undefined; skipped: true };

export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, onError: (error: unknown) => boolean): Promise<Settled<R>[]> {
  const results = new Array<Settled<R>>(items.length);
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (next < items.length && !stopped) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(items[i]!, i) };
      } catch (error) {
        results[i] = { ok: false, error };
        if (onError(error)) stopped = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  for (let i = 0; i < items.length; i++) results[i] ??= { ok: false, error: undefined, skipped: true };
  return results;
}
