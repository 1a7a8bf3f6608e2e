import { describe, expect, it } from 'vitest';
import { concatMap, lastValueFrom, map, take, timer, toArray } from 'rxjs';
import { fromSource } from './from-source.js';

/** A fast source that records how many items were pulled and whether it was closed. */
function counted(n: number, failAt = -1) {
  const stats = { pulled: 0, closed: false };
  async function* items() {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error(`source failed at ${i}`);
        stats.pulled++;
        yield i;
      }
    } finally {
      stats.closed = true;
    }
  }
  return { stats, iterable: items() };
}

describe('fromSource', () => {
  it.each([1, 2, 4])('never pulls more than maxInFlight=%i ahead of a slow stage', async (maxInFlight) => {
    const { stats, iterable } = counted(20);
    const source = fromSource(iterable, { maxInFlight });
    let done = 0;
    let maxAhead = 0;
    const out = await lastValueFrom(
      source.pipe(
        // The source yields in microseconds; the stage takes 5 ms per item (≥100× slower).
        concatMap((x) => timer(5).pipe(map(() => x))),
        map((x) => {
          maxAhead = Math.max(maxAhead, stats.pulled - done);
          done++;
          return x;
        }),
        source.acknowledge(),
        toArray(),
      ),
    );
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(maxAhead).toBe(maxInFlight);
    expect(source.inFlight).toBe(0);
  });

  it('counts items in flight and pulls again on release()', async () => {
    const { stats, iterable } = counted(10);
    const source = fromSource(iterable, { maxInFlight: 3 });
    const seen: number[] = [];
    const sub = source.subscribe((x) => seen.push(x));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([0, 1, 2]);
    expect(stats.pulled).toBe(3);
    expect(source.inFlight).toBe(3);
    source.release(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    sub.unsubscribe();
  });

  it('calls iterator.return() when unsubscribed early', async () => {
    const { stats, iterable } = counted(100);
    const source = fromSource(iterable);
    const out = await lastValueFrom(source.pipe(source.acknowledge(), take(3), toArray()));
    expect(out).toEqual([0, 1, 2]);
    await new Promise((r) => setTimeout(r, 10));
    expect(stats.closed).toBe(true);
    expect(stats.pulled).toBeLessThanOrEqual(3 + source.maxInFlight);
  });

  it('sends source errors downstream', async () => {
    const { iterable } = counted(10, 4);
    const source = fromSource(iterable);
    await expect(lastValueFrom(source.pipe(source.acknowledge()))).rejects.toThrow('source failed at 4');
  });

  it('rejects a bad maxInFlight', () => {
    expect(() => fromSource(counted(1).iterable, { maxInFlight: 0 })).toThrow(/maxInFlight must be a positive integer/);
  });
});
