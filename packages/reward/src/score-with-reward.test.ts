import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, lastValueFrom, toArray, Subject } from 'rxjs';
import { ConfigError, StageError, readFloat32 } from '@prefstream/core';
import { scoreWithReward } from './score-with-reward.js';
import { asBatch, testContext, textBatch } from './test-support/context.js';

const batch = textBatch({
  prompt_id: ['p0', 'p0', 'p1'],
  prompt: ['2+2=', '2+2=', 'say hi'],
  completion: ['4', 'five', 'hi'],
});

const parse = (reward: unknown) => scoreWithReward.options.parse({ reward });

describe('scoreWithReward with a function reward', () => {
  it('adds a float32 reward column in row order and records batch metrics', async () => {
    const ctx = testContext({ len: (_p: string, c: string) => c.length });
    const options = parse({ kind: 'function', fn: 'len' });
    const out = asBatch(await lastValueFrom(from([batch]).pipe(scoreWithReward.create(options, ctx))));
    expect(Array.from(readFloat32(out, 'reward'))).toEqual([1, 4, 2]);
    expect(out.getChild('completion')!.get(1)).toBe('five');
    // mean 7/3; population std sqrt(((1-7/3)² + (4-7/3)² + (2-7/3)²)/3) = sqrt(14/9)/... = 1.2472191
    const m = ctx.recorded.values[0]!;
    expect(m['reward/mean']).toBeCloseTo(7 / 3, 10);
    expect(m['reward/std']).toBeCloseTo(Math.sqrt(((1 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2) / 3), 10);
    expect(m['reward/min']).toBe(1);
    expect(m['reward/max']).toBe(4);
    expect(ctx.recorded.meta[0]).toEqual({ stage: 'scoreWithReward', step: 0 });
  });

  it('declares its columns', () => {
    const options = parse({ kind: 'function', fn: 'len' });
    expect(scoreWithReward.requires(options)).toEqual(['prompt_id', 'prompt', 'completion']);
    expect(scoreWithReward.produces(options)).toEqual(['reward']);
  });

  it('bounds the number of async calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = async (_p: string, c: string) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return c.length;
    };
    const many = textBatch({
      prompt_id: Array.from({ length: 12 }, (_, i) => `p${i}`),
      prompt: Array.from({ length: 12 }, () => 'x'),
      completion: Array.from({ length: 12 }, (_, i) => 'y'.repeat(i)),
    });
    const ctx = testContext({ slow });
    const out = asBatch(await lastValueFrom(from([many]).pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'slow', concurrency: 3 }), ctx))));
    expect(peak).toBe(3);
    expect(Array.from(readFloat32(out, 'reward'))).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('rejects a NaN reward with an error naming the prompt_id and row', async () => {
    const ctx = testContext({ bad: (p: string) => (p === 'say hi' ? Number.NaN : 1) });
    const run = lastValueFrom(from([batch]).pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'bad' }), ctx)));
    await expect(run).rejects.toThrow(StageError);
    await expect(run).rejects.toThrow(/batch 0: row 2, field "reward": non-finite reward NaN for prompt_id "p1"/);
  });

  it('rejects a reward that overflows float32', async () => {
    const ctx = testContext({ huge: () => 1e39 });
    const run = lastValueFrom(from([batch]).pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'huge' }), ctx)));
    await expect(run).rejects.toThrow(/non-finite reward 1e\+39 for prompt_id "p0"/);
  });

  it('names the prompt when the function throws or returns a non-number', async () => {
    const throws = testContext({ f: (p: string) => { if (p === 'say hi') throw new Error('boom'); return 0; } });
    await expect(lastValueFrom(from([batch]).pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'f' }), throws)))).rejects.toThrow(
      /reward function "f" failed on prompt_id "p1" \(row 2\): boom/,
    );
    const str = testContext({ f: () => 'high' });
    await expect(lastValueFrom(from([batch]).pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'f' }), str)))).rejects.toThrow(
      /returned string for prompt_id "p0" \(row 0\)/,
    );
  });

  it('names missing columns and missing resources', async () => {
    const ctx = testContext({ len: () => 1 });
    const noPrompt = textBatch({ prompt_id: ['a'], prompt: ['x'], completion: ['y'] }).select(['prompt_id', 'completion']);
    await expect(firstValueFrom(from([noPrompt]).pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'len' }), ctx)))).rejects.toThrow(
      /scoreWithReward, batch 0: scoreWithReward, field "prompt": missing column/,
    );
    expect(() => scoreWithReward.create(parse({ kind: 'function', fn: 'nope' }), ctx)).toThrow(ConfigError);
    expect(() => scoreWithReward.create(parse({ kind: 'function', fn: 'nope' }), ctx)).toThrow(/no resource named "nope".*resources: len/);
  });

  it('rejects unknown kinds and unknown keys when options are parsed', () => {
    expect(() => parse({ kind: 'oracle' })).toThrow();
    expect(() => parse({ kind: 'function', fn: 'len', extra: 1 })).toThrow();
  });

  it('scores many batches in order and stops calling on early unsubscribe', async () => {
    let calls = 0;
    const ctx = testContext({ f: async () => { calls++; await new Promise((r) => setTimeout(r, 2)); return 1; } });
    const input = new Subject<ReturnType<typeof textBatch>>();
    const seen: number[] = [];
    const sub = input.pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'f', concurrency: 1 }), ctx)).subscribe((b) => seen.push(asBatch(b).numRows));
    input.next(batch);
    await new Promise((r) => setTimeout(r, 30));
    input.next(batch);
    sub.unsubscribe();
    const after = calls;
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([3]);
    expect(calls).toBe(after);
    expect(calls).toBeLessThanOrEqual(4);
    const all = await lastValueFrom(from([batch, batch, batch]).pipe(scoreWithReward.create(parse({ kind: 'function', fn: 'f' }), ctx), toArray()));
    expect(all).toHaveLength(3);
  });
});
