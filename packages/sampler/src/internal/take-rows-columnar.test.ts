import { describe, expect, it } from 'vitest';
import { float32Vector, int32Vector, makeBatch, takeRows, tokenListVector, utf8Vector, type Batch } from '@prefstream/core';
import { Float64, Utf8, vectorFromArray } from 'apache-arrow';
import { takeRowsColumnar } from './take-rows-columnar.js';
import { groupByPrompt } from './group-by-prompt.js';

const rowsOf = (b: Batch) => b.toArray().map((r) => JSON.parse(JSON.stringify(r.toJSON(), (_, v) => (ArrayBuffer.isView(v) || (v && typeof v.toArray === 'function') ? Array.from(v as ArrayLike<number>) : v))));

function batch(): Batch {
  return makeBatch({
    prompt_id: utf8Vector(['a', 'a', 'bé', 'bé', 'a', 'c']),
    reward: float32Vector([0.5, 1, 2, 3, 4, 5]),
    count: int32Vector([1, 2, 3, 4, 5, 6]),
    wide: vectorFromArray([1.5, 2.5, 3.5, 4.5, 5.5, 6.5], new Float64()),
    completion_ids: tokenListVector([[1], [2, 3], [], [4, 5, 6], [7], [8, 9]]),
    maybe: vectorFromArray(['x', null, 'z', 'w', null, 'v'], new Utf8()),
  });
}

describe('takeRowsColumnar', () => {
  it('equals core takeRows on every column type, with repeats and any order', () => {
    const rows = Int32Array.of(5, 0, 3, 3, 2, 1);
    expect(rowsOf(takeRowsColumnar(batch(), rows))).toEqual(rowsOf(takeRows(batch(), rows)));
    expect(takeRowsColumnar(batch(), rows).schema.fields.map((f) => f.name)).toEqual(batch().schema.fields.map((f) => f.name));
    expect(takeRowsColumnar(batch(), new Int32Array(0)).numRows).toBe(0);
  });

  it('handles sliced batches (non-zero data offsets) through the generic path', () => {
    const sliced = batch().slice(2, 5);
    const rows = Int32Array.of(2, 0);
    expect(rowsOf(takeRowsColumnar(sliced, rows))).toEqual(rowsOf(takeRows(sliced, rows)));
  });
});

describe('groupByPrompt', () => {
  it('groups by decoded id, runs or not, in order of first appearance', () => {
    const g = groupByPrompt(batch(), 'test');
    expect(g.ids).toEqual(['a', 'bé', 'c']);
    expect(Array.from(g.offsets)).toEqual([0, 3, 5, 6]);
    expect(Array.from(g.rows)).toEqual([0, 1, 4, 2, 3, 5]);
    expect(Array.from(g.groupOf)).toEqual([0, 0, 1, 1, 0, 2]);
    const sliced = groupByPrompt(batch().slice(1, 4), 'test');
    expect(sliced.ids).toEqual(['a', 'bé']);
    expect(Array.from(sliced.groupOf)).toEqual([0, 1, 1]);
  });

  it('tells prefixes and equal-length ids apart', () => {
    const g = groupByPrompt(makeBatch({ prompt_id: utf8Vector(['ab', 'a', 'ab', 'ba', 'ba', '']) }), 'test');
    expect(g.ids).toEqual(['ab', 'a', 'ba', '']);
    expect(Array.from(g.groupOf)).toEqual([0, 1, 0, 2, 2, 3]);
  });
});
