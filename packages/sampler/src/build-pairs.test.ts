import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { float32Vector, makeBatch, readFloat32, readStrings, readTokenLists, StageError, tokenListVector, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { buildPairs, BuildPairsOptions } from './build-pairs.js';
import type { PreferenceFunction } from './preference-labels.js';
import { testContext } from './test-support/test-context.js';

function candidates(ids: string[], rewards: number[], withTokens = true): Batch {
  return makeBatch({
    prompt_id: utf8Vector(ids),
    prompt: utf8Vector(ids.map((id) => `prompt ${id}`)),
    completion: utf8Vector(ids.map((id, i) => `${id}${i}`)),
    ...(withTokens ? { completion_ids: tokenListVector(ids.map((_, i) => [i, i + 100])) } : {}),
    completion_logps: float32Vector(ids.map(() => -1)),
    reward: float32Vector(rewards),
  });
}

async function run(options: unknown, batches: Batch[], resources: Record<string, unknown> = {}) {
  const t = testContext(5, resources);
  const op = buildPairs.create(BuildPairsOptions.parse(options), t.ctx);
  const out = (await lastValueFrom(from(batches as FlowItem[]).pipe(op, toArray<FlowItem>()))) as Batch[];
  return { ...t, out };
}

describe('buildPairs stage', () => {
  it('declares what it requires, produces and consumes', () => {
    const o = BuildPairsOptions.parse({ preference: { kind: 'sigmoid' } });
    expect(o.strategy).toBe('first-round');
    expect(o.ties).toBe('skip');
    expect(buildPairs.requires(o)).toEqual(['prompt_id', 'completion', 'reward', 'completion_ids']);
    expect(buildPairs.produces(o)).toEqual(['chosen', 'rejected', 'chosen_ids', 'rejected_ids', 'chosen_reward', 'rejected_reward', 'preference']);
    expect(buildPairs.consumes!(o)).toEqual(['completion', 'completion_ids', 'completion_logps', 'ref_logps', 'reward']);
    expect(() => BuildPairsOptions.parse({ strategy: 'swiss' })).toThrow(/first-round/);
  });

  it('puts the higher reward in chosen and carries per-prompt columns (first-round, 8 → 4)', async () => {
    const ids = [...'aaaaaaaa', ...'bbbb'];
    const rewards = [0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8, 0.4, 1, 2, 3, 4];
    const { out, total } = await run({}, [candidates(ids, rewards)]);
    const b = out[0]!;
    expect(b.schema.fields.map((f) => f.name)).toEqual(['prompt_id', 'prompt', 'chosen', 'rejected', 'chosen_ids', 'rejected_ids', 'chosen_reward', 'rejected_reward']);
    expect(b.numRows).toBe(6);
    expect(readStrings(b, 'prompt_id')).toEqual([...'aaaa', ...'bb']);
    expect(readStrings(b, 'prompt')).toEqual([...'aaaa', ...'bb'].map((id) => `prompt ${id}`));
    const cr = readFloat32(b, 'chosen_reward');
    const rr = readFloat32(b, 'rejected_reward');
    const chosen = readStrings(b, 'chosen');
    const chosenIds = readTokenLists(b, 'chosen_ids');
    for (let i = 0; i < b.numRows; i++) {
      expect(cr[i]).toBeGreaterThan(rr[i]!);
      const row = Number(chosen[i]!.slice(1));
      expect(cr[i]).toBe(Math.fround(rewards[row]!));
      expect(Array.from(chosenIds[i]!)).toEqual([row, row + 100]);
    }
    expect(new Set([...chosen, ...readStrings(b, 'rejected')]).size).toBe(12);
    expect(total('pairs/pairs')).toBe(6);
    expect(total('pairs/reward_margin')).toBeGreaterThan(0);
  });

  it.each([
    ['tournament', 7],
    ['best-vs-worst', 1],
    ['all-pairs', 28],
  ])('%s gives the expected number of pairs for 8 candidates', async (strategy, count) => {
    const { out } = await run({ strategy }, [candidates([...'aaaaaaaa'], [1, 2, 3, 4, 5, 6, 7, 8])]);
    expect(out[0]!.numRows).toBe(count);
  });

  it('skips ties and counts them, or keeps them with preference 0.5', async () => {
    const batch = candidates(['a', 'a', 'a'], [1, 1, 0]);
    const skipped = await run({ strategy: 'all-pairs' }, [batch]);
    expect(skipped.out[0]!.numRows).toBe(2);
    expect(skipped.total('pairs/ties_skipped')).toBe(1);
    const kept = await run({ strategy: 'all-pairs', ties: 'keep', preference: { kind: 'sigmoid', temperature: 0.5 } }, [batch]);
    expect(kept.out[0]!.numRows).toBe(3);
    expect(kept.total('pairs/ties_kept')).toBe(1);
    // σ((1 − 0)/0.5) = σ(2) = 0.8807970780
    expect(Array.from(readFloat32(kept.out[0]!, 'preference'))).toEqual([0.5, Math.fround(0.880797078), Math.fround(0.880797078)]);
  });

  it('emits nothing for a batch whose only pairs are skipped ties, and counts the prompt', async () => {
    const { out, total } = await run({}, [candidates(['a', 'a', 'b'], [1, 1, 3])]);
    expect(out).toEqual([]);
    expect(total('pairs/prompts_without_pairs')).toBe(2);
  });

  it('labels with a preference function from the resources', async () => {
    const seen: string[] = [];
    const judge: PreferenceFunction = async (p) => {
      seen.push(`${p.prompt}|${p.chosen}>${p.rejected}`);
      return p.chosenReward > 1 ? 0.9 : 0.6;
    };
    const { out } = await run({ strategy: 'all-pairs', preference: { kind: 'function', resource: 'judge' } }, [candidates(['a', 'a', 'a'], [0, 2, 1])], { judge });
    expect(Array.from(readFloat32(out[0]!, 'preference'))).toEqual([Math.fround(0.9), Math.fround(0.6), Math.fround(0.9)]);
    expect(seen).toEqual(['prompt a|a1>a0', 'prompt a|a2>a0', 'prompt a|a1>a2']);
  });

  it('rejects a preference function that is missing or returns a value outside [0, 1]', async () => {
    expect(() => buildPairs.create(BuildPairsOptions.parse({ preference: { kind: 'function' } }), testContext().ctx)).toThrow(/resource "preference" is not a preference function/);
    const err = await run({ preference: { kind: 'function' } }, [candidates(['q', 'q'], [0, 1])], { preference: () => 1.5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect(String(err)).toMatch(/buildPairs, batch 0: .*returned 1.5 for prompt "q"/);
  });

  it('works without token ids when told to, and names the missing column otherwise', async () => {
    const { out } = await run({ tokenIds: false }, [candidates(['a', 'a'], [0, 1], false)]);
    expect(out[0]!.schema.fields.map((f) => f.name)).not.toContain('chosen_ids');
    const err = await run({}, [candidates(['a', 'a'], [0, 1], false)]).catch((e: unknown) => e);
    expect(String(err)).toMatch(/stage buildPairs, field "completion_ids": missing column/);
  });

  it('errors when a prompt reappears in a later batch, and on a NaN reward', async () => {
    const again = await run({}, [candidates(['a', 'a'], [0, 1]), candidates(['a', 'a'], [0, 1])]).catch((e: unknown) => e);
    expect(String(again)).toMatch(/batch 1: .*prompt "a" reappears/);
    const nan = await run({}, [candidates(['a', 'a'], [0, NaN])]).catch((e: unknown) => e);
    expect(String(nan)).toMatch(/row 1, field "reward": reward of prompt "a" is not finite/);
  });

  it('pairs a prompt the same way however prompts are batched', async () => {
    const ids = [...'aaaaaaaa', ...'bbbbbbbb'];
    const rewards = ids.map((_, i) => (i * 7) % 11);
    const whole = await run({}, [candidates(ids, rewards)]);
    const a = readStrings(whole.out[0]!, 'chosen').filter((c) => c.startsWith('a'));
    const alone = await run({}, [candidates(ids.slice(0, 8), rewards.slice(0, 8))]);
    expect(readStrings(alone.out[0]!, 'chosen')).toEqual(a);
  });
});
