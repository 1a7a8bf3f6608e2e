import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { float32Vector, makeBatch, readFloat32, StageError, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { testContext } from '../test-support/stage-context.js';
import { groupAdvantages, GroupAdvantagesOptions } from './group-advantages-stage.js';

const batch = (rewards: number[]) => makeBatch({ prompt_id: utf8Vector(['p', 'p', 'q', 'q']), reward: float32Vector(rewards) });
const run = async (input: Batch, options = {}) => {
  const ctx = testContext({});
  const op = groupAdvantages.create(GroupAdvantagesOptions.parse(options), ctx);
  const items: FlowItem[] = await lastValueFrom(of<FlowItem>(input).pipe(op, toArray()));
  return { out: items[0] as Batch, recorded: ctx.recorded };
};

describe('groupAdvantages', () => {
  it('writes (r − mean_g)/(std_g + 1e-4) and TRL reward metrics', async () => {
    const { out, recorded } = await run(batch([1, 0, 2, 2]));
    const std = Math.SQRT1_2; // Bessel std of {1, 0}
    const a = Array.from(readFloat32(out, 'advantages'));
    expect(a[0]).toBeCloseTo(0.5 / (std + 1e-4), 6);
    expect(a[1]).toBeCloseTo(-0.5 / (std + 1e-4), 6);
    expect(a.slice(2)).toEqual([0, 0]);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.reward).toBeCloseTo(1.25, 12);
    expect(recorded[0]!.reward_std).toBeCloseTo(Math.sqrt((0.25 ** 2 + 1.25 ** 2 + 2 * 0.75 ** 2) / 3), 6); // Bessel over the batch
    expect(recorded[0]!.frac_reward_zero_std).toBe(0.5);
  });

  it('scaleRewards none only centers', async () => {
    const { out } = await run(batch([1, 0, 2, 3]), { scaleRewards: 'none' });
    expect(Array.from(readFloat32(out, 'advantages'))).toEqual([0.5, -0.5, -0.5, 0.5]);
  });

  it('names the row of a NaN reward', async () => {
    await expect(run(batch([1, Number.NaN, 0, 0]))).rejects.toThrow(StageError);
    await expect(run(batch([1, Number.NaN, 0, 0]))).rejects.toThrow(/row 1.*reward/);
  });
});
