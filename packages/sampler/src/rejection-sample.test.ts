import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { float32Vector, makeBatch, readFloat32, readStrings, StageError, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { rejectionSample, RejectionSampleOptions } from './rejection-sample.js';
import { bestOfN, BestOfNOptions } from './best-of-n.js';
import { testContext } from './test-support/test-context.js';

function scored(ids: string[], rewards: number[], completions = ids.map((id, i) => `${id}-${i}`)): Batch {
  return makeBatch({
    prompt_id: utf8Vector(ids),
    completion: utf8Vector(completions),
    reward: float32Vector(rewards),
  });
}

async function run(stage: typeof rejectionSample | typeof bestOfN, options: unknown, batches: Batch[], seed = 7) {
  const t = testContext(seed);
  const op = stage.create(stage.options.parse(options) as never, t.ctx);
  const out = (await lastValueFrom(from(batches as FlowItem[]).pipe(op, toArray<FlowItem>()))) as Batch[];
  return { ...t, out };
}

/** Candidates per prompt in the output, by prompt id. */
function byPrompt(batches: Batch[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const b of batches) {
    const ids = readStrings(b, 'prompt_id');
    const texts = readStrings(b, 'completion');
    ids.forEach((id, i) => (out[id] ??= []).push(texts[i]!));
  }
  return out;
}

const rng = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed * 97 + i * 13.7) * 2);

describe('rejectionSample stage', () => {
  it('has documented defaults and declares its columns', () => {
    const o = RejectionSampleOptions.parse({});
    expect(o).toEqual({ numSamples: 8, beta: 0.5, rewardColumn: 'reward', promptIdMemory: 100_000 });
    expect(rejectionSample.requires(o)).toEqual(['prompt_id', 'reward']);
    expect(() => RejectionSampleOptions.parse({ beta: 0.5, numSample: 3 })).toThrow(/numSample/);
  });

  it('keeps numSamples rows per prompt with all columns, grouping non-contiguous rows', async () => {
    // Prompts p and q interleaved, 6 candidates each.
    const ids = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'q' : 'p'));
    const { out, metrics } = await run(rejectionSample, { numSamples: 2 }, [scored(ids, rng(12, 1))]);
    expect(out).toHaveLength(1);
    const got = byPrompt(out);
    expect(got.p).toHaveLength(2);
    expect(got.q).toHaveLength(2);
    expect(new Set(got.p).size).toBe(2);
    expect(out[0]!.schema.fields.map((f) => f.name)).toEqual(['prompt_id', 'completion', 'reward']);
    const m = metrics[0]!.values;
    expect(m['rso/prompts']).toBe(2);
    expect(m['rso/accepted']).toBe(4);
    expect(m['rso/acceptance_rate']).toBeGreaterThan(0);
    expect(m['rso/acceptance_rate']).toBeLessThanOrEqual(1);
    expect(m['rso/rounds_per_prompt']).toBeGreaterThanOrEqual(1);
    expect(m['rso/short_prompts']).toBe(0);
  });

  it('selects the same candidates for a prompt however prompts are batched', async () => {
    const ids = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'];
    const rewards = rng(10, 2);
    const texts = ids.map((id, i) => `${id}-${i}`);
    const one = await run(rejectionSample, { numSamples: 3 }, [scored(ids, rewards)]);
    const two = await run(rejectionSample, { numSamples: 3 }, [
      scored(ids.slice(5), rewards.slice(5), texts.slice(5)),
      scored(ids.slice(0, 5), rewards.slice(0, 5), texts.slice(0, 5)),
    ]);
    expect(byPrompt(two.out)).toEqual(byPrompt(one.out));
    const otherSeed = await run(rejectionSample, { numSamples: 3, beta: 5 }, [scored(ids, rewards)], 8);
    expect(byPrompt(otherSeed.out).a).toHaveLength(3);
  });

  it('keeps all candidates of a short prompt and counts it', async () => {
    const { out, total, logs } = await run(rejectionSample, { numSamples: 4 }, [scored(['a', 'a', 'b', 'b', 'b', 'b', 'b'], rng(7, 3))]);
    expect(byPrompt(out).a).toEqual(['a-0', 'a-1']);
    expect(byPrompt(out).b).toHaveLength(4);
    expect(total('rso/short_prompts')).toBe(1);
    expect(logs.some((l) => l.includes('fewer than 4'))).toBe(true);
  });

  it('errors with the prompt id and batch when a prompt reappears in a later batch', async () => {
    const err = await run(rejectionSample, {}, [scored(['a', 'b'], [1, 2]), scored(['c', 'a'], [1, 2])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect(String(err)).toMatch(/rejectionSample, batch 1: .*prompt "a" reappears/);
  });

  it('names the row, field and prompt of a NaN reward, and a missing column', async () => {
    const nan = await run(rejectionSample, {}, [scored(['a', 'b'], [1, NaN])]).catch((e: unknown) => e);
    expect(String(nan)).toMatch(/batch 0: stage rejectionSample, row 1, field "reward": reward of prompt "b" is not finite/);
    const missing = await run(rejectionSample, { rewardColumn: 'score' }, [scored(['a'], [1])]).catch((e: unknown) => e);
    expect(String(missing)).toMatch(/field "score": missing column/);
  });

  it('emits nothing for an empty batch', async () => {
    const { out } = await run(rejectionSample, {}, [scored([], [])]);
    expect(out).toEqual([]);
  });
});

describe('bestOfN stage', () => {
  it('keeps the top numSamples per prompt, highest first', async () => {
    const batch = scored(['a', 'b', 'a', 'a', 'b'], [0.1, 5, 0.9, 0.5, -1]);
    const { out, total } = await run(bestOfN, BestOfNOptions.parse({ numSamples: 2 }), [batch]);
    expect(byPrompt(out)).toEqual({ a: ['a-2', 'a-3'], b: ['b-1', 'b-4'] });
    expect(Array.from(readFloat32(out[0]!, 'reward'))).toEqual([Math.fround(0.9), 0.5, 5, -1]);
    expect(total('best_of_n/short_prompts')).toBe(0);
  });

  it('counts short prompts', async () => {
    const { total } = await run(bestOfN, { numSamples: 3 }, [scored(['a', 'b', 'b', 'b'], [1, 1, 2, 3])]);
    expect(total('best_of_n/short_prompts')).toBe(1);
  });

  it('works on the first batch of a stream that is unsubscribed early', async () => {
    const t = testContext(1);
    const op = bestOfN.create(BestOfNOptions.parse({ numSamples: 1 }), t.ctx);
    const first = (await firstValueFrom(from([scored(['a', 'a'], [0, 1]), scored(['b'], [1])] as FlowItem[]).pipe(op))) as Batch;
    expect(readStrings(first, 'completion')).toEqual(['a-1']);
  });
});
