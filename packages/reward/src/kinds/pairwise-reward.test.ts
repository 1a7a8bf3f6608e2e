import { describe, expect, it } from 'vitest';
import { readFloat32 } from '@prefstream/core';
import type { PairwiseItem, PairwisePreferenceModel } from '../pairwise-preference-model.js';
import { scoreAll, testContext, textBatch } from '../test-support/context.js';

/** A hand-built pairwise model: P(first ≻ second) from a table keyed "first|second". */
function tableModel(table: Record<string, number>): PairwisePreferenceModel & { asked: PairwiseItem[] } {
  const asked: PairwiseItem[] = [];
  return {
    asked,
    async preferFirst(items) {
      asked.push(...items);
      return Float64Array.from(items, (it) => {
        const p = table[`${it.first}|${it.second}`];
        if (p === undefined) throw new Error(`no entry for ${it.first}|${it.second}`);
        return p;
      });
    },
  };
}

const table = {
  'y1|y0': 0.9, 'y0|y1': 0.3, // y1 beats y0 in both orders: P_sym = ½(0.9 + 0.7) = 0.8
  'y2|y0': 0.7, 'y0|y2': 0.7, // first always wins: P_sym = ½(0.7 + 0.3) = 0.5, inconsistent
  'z1|z0': 0.2, 'z0|z1': 0.6, // z0 wins both: P_sym = ½(0.2 + 0.4) = 0.3
};
const batch = textBatch({
  prompt_id: ['p0', 'p0', 'p0', 'p1', 'p1'],
  prompt: ['x0', 'x0', 'x0', 'x1', 'x1'],
  completion: ['y0', 'y1', 'y2', 'z0', 'z1'],
});

describe('pairwise reward kind', () => {
  it('RSO Eq. 7 against the first candidate, both orders averaged, with the consistency rate', async () => {
    const judge = tableModel(table);
    const ctx = testContext({ judge });
    const [out] = await scoreAll({ kind: 'pairwise', model: 'judge' }, ctx, [batch]);
    const r = Array.from(readFloat32(out!, 'reward'));
    // logit(0.8) = 1.3862943611 (spec T4); logit(0.5) = 0; logit(0.3) = ln(3/7) = −0.8472978604
    const expected = [0, 1.3862943611, 0, 0, -0.8472978604];
    r.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    // 3 compared rows (y1, y2, z1), 2 consistent.
    expect(ctx.recorded.values[0]!['reward/position_consistency']).toBeCloseTo(2 / 3, 12);
    // Baselines are never compared with themselves; each other row is asked in both orders.
    expect(judge.asked.map((i) => `${i.first}|${i.second}`)).toEqual(['y1|y0', 'y0|y1', 'y2|y0', 'y0|y2', 'z1|z0', 'z0|z1']);
    expect(judge.asked[0]!.prompt).toBe('x0');
  });

  it('takes the baseline from a column and converts with P_sym − ½ when centered', async () => {
    const ctx = testContext({ judge: tableModel(table) });
    const withBaseline = textBatch({ prompt_id: ['p0', 'p1'], prompt: ['x0', 'x1'], completion: ['y1', 'z1'], ref: ['y0', 'z0'] });
    const [out] = await scoreAll({ kind: 'pairwise', model: 'judge', baseline: { from: 'column', column: 'ref' }, conversion: 'centered' }, ctx, [withBaseline]);
    const r = Array.from(readFloat32(out!, 'reward'));
    expect(r[0]).toBeCloseTo(0.3, 6);
    expect(r[1]).toBeCloseTo(-0.2, 6);
  });

  it('clamps a saturated preference to ±logit(1 − ε)', async () => {
    const ctx = testContext({ judge: tableModel({ 'b|a': 1, 'a|b': 0 }) });
    const rows = textBatch({ prompt_id: ['p', 'p'], prompt: ['x', 'x'], completion: ['a', 'b'] });
    const [strict] = await scoreAll({ kind: 'pairwise', model: 'judge' }, ctx, [rows]);
    expect(readFloat32(strict!, 'reward')[1]).toBeCloseTo(Math.log((1 - 1e-6) / 1e-6), 4);
    const [loose] = await scoreAll({ kind: 'pairwise', model: 'judge', epsilon: 0.01 }, ctx, [rows]);
    expect(readFloat32(loose!, 'reward')[1]).toBeCloseTo(Math.log(99), 5);
  });

  it('rejects probabilities outside [0, 1] naming the prompt, and a missing baseline column', async () => {
    const ctx = testContext({ judge: tableModel({ 'b|a': Number.NaN, 'a|b': 0.5 }) });
    const rows = textBatch({ prompt_id: ['q7', 'q7'], prompt: ['x', 'x'], completion: ['a', 'b'] });
    await expect(scoreAll({ kind: 'pairwise', model: 'judge' }, ctx, [rows])).rejects.toThrow(/prompt_id "q7" \(row 1\)/);
    await expect(scoreAll({ kind: 'pairwise', model: 'judge', baseline: { from: 'column' } }, ctx, [rows])).rejects.toThrow(/field "baseline": missing column/);
  });

  it('names what is wrong with the model resource', async () => {
    const ctx = testContext({ notAModel: 42 });
    await expect(scoreAll({ kind: 'pairwise', model: 'absent' }, ctx, [batch])).rejects.toThrow(/no resource named "absent"/);
    await expect(scoreAll({ kind: 'pairwise', model: 'notAModel' }, ctx, [batch])).rejects.toThrow(/neither a pairwise preference model/);
  });
});
