import { describe, expect, it } from 'vitest';
import { BroadcastChannel } from 'node:worker_threads';
import { concat, firstValueFrom, from, lastValueFrom, NEVER, toArray } from 'rxjs';
import { makeBatch, readStrings, utf8Vector, StageError, type Batch, type FlowItem } from '@prefstream/core';
import { generateCandidates, GenerateCandidatesOptions } from '../generate-candidates.js';
import { FakeGenerator, fakeTokenizer } from '../test-support/fake-generator.js';
import { testContext } from '../test-support/test-context.js';
import { WorkerPool } from '../internal/worker-pool.js';

const loader = new URL('../test-support/fake-loader.ts', import.meta.url).href;
const prompts = (ids: string[], texts = ids) => makeBatch({ prompt_id: utf8Vector(ids), prompt: utf8Vector(texts) });
const workers = (extra: Record<string, unknown> = {}) =>
  GenerateCandidatesOptions.parse({ n: 3, maxNewTokens: 4, engine: { kind: 'workers', checkpoint: 'fake', loader, workers: 2, queueSize: 2, ...extra } });

/** Thread ids heard on the fake loader's heartbeat channel during `ms` (or until `enough` are heard). */
async function heartbeats(ms: number, enough = Infinity): Promise<Set<number>> {
  const channel = new BroadcastChannel('fake-loader');
  const seen = new Set<number>();
  channel.onmessage = (event) => seen.add((event as MessageEvent).data as number);
  for (let waited = 0; waited < ms && seen.size < enough; waited += 10) await new Promise((r) => setTimeout(r, 10));
  channel.close();
  return seen;
}

const rowsOf = (bs: Batch[]) => bs.flatMap((b) => readStrings(b, 'prompt_id').map((id, i) => `${id}:${readStrings(b, 'completion')[i]}`));

describe('workers engine', () => {
  it('pool threads are alive (heard on the heartbeat channel) until close', async () => {
    const pool = new WorkerPool({ size: 2, queueSize: 0, init: { checkpoint: 'fake', loader, backend: undefined } });
    const never = new AbortController().signal;
    try {
      const [one, two] = await Promise.all([
        pool.submit({ promptId: 'a', prompt: 'a', promptIds: undefined, options: { maxNewTokens: 2, n: 1, seed: 1 } }, never),
        pool.submit({ promptId: 'b', prompt: undefined, promptIds: [98], options: { maxNewTokens: 2, n: 2, seed: 1 } }, never),
      ]);
      expect([one.length, two.length]).toEqual([1, 2]);
      await expect(pool.submit({ promptId: 'c', prompt: 'c', promptIds: undefined, options: { maxNewTokens: 1 } }, AbortSignal.abort(new Error('stop')))).rejects.toThrow('stop');
      expect(pool.threads).toBe(2);
      expect((await heartbeats(5_000, 2)).size).toBe(2); // heartbeats every 20 ms; generous under load
    } finally {
      await pool.close();
    }
    expect(pool.threads).toBe(0);
    await expect(pool.submit({ promptId: 'd', prompt: 'd', promptIds: undefined, options: { maxNewTokens: 1 } }, never)).rejects.toThrow(/closed/);
    expect((await heartbeats(150)).size).toBe(0);
  });

  it('matches the local engine sample for sample, on 2 threads, and terminates them on completion', async () => {
    const batches = [prompts(['a', 'b', 'c', 'd', 'e']), prompts(['f', 'g'])];
    const t = testContext(9);
    const pooled = (await lastValueFrom(from(batches as FlowItem[]).pipe(generateCandidates.create(workers(), t.ctx), toArray<FlowItem>()))) as Batch[];
    const l = testContext(9, { policy: new FakeGenerator(), tokenizer: fakeTokenizer });
    const local = (await lastValueFrom(from(batches as FlowItem[]).pipe(generateCandidates.create(GenerateCandidatesOptions.parse({ n: 3, maxNewTokens: 4 }), l.ctx), toArray<FlowItem>()))) as Batch[];
    expect(rowsOf(pooled)).toEqual(rowsOf(local));
    expect(pooled.map((b) => b.numRows)).toEqual([15, 6]);
    expect(t.metrics.every((m) => (m.values['generate/queue_depth_max'] ?? 0) <= 4)).toBe(true); // workers + queueSize
    expect((await heartbeats(150)).size).toBe(0);
  });

  it('terminates the threads when unsubscribed early', async () => {
    const t = testContext(1);
    const first = await firstValueFrom(concat(from([prompts(['a'])] as FlowItem[]), NEVER).pipe(generateCandidates.create(workers(), t.ctx)));
    expect((first as Batch).numRows).toBe(3);
    await new Promise((r) => setTimeout(r, 50));
    expect((await heartbeats(150)).size).toBe(0);
  });

  it('fails with the checkpoint when loading fails, and with the prompt when a thread dies', async () => {
    const load = await lastValueFrom(from([prompts(['a'])] as FlowItem[]).pipe(generateCandidates.create(workers({ checkpoint: 'fail' }), testContext().ctx))).catch((e: unknown) => e);
    expect(load).toBeInstanceOf(StageError);
    expect(String(load)).toMatch(/prompt "a": loading checkpoint fail: no such checkpoint/);
    const crash = await lastValueFrom(from([prompts(['a', 'b'], ['fine', 'crash'])] as FlowItem[]).pipe(generateCandidates.create(workers(), testContext().ctx))).catch((e: unknown) => e);
    expect(String(crash)).toMatch(/prompt "b": generation worker \d exited with code 3/);
    expect((await heartbeats(150)).size).toBe(0);
  });
});
