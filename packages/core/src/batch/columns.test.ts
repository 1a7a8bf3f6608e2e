import { describe, expect, it } from 'vitest';
import { columnOf, makeBatch, readFloat32, readStrings, readTokenLists, takeRows, withColumns } from './columns.js';
import { float32Vector, tokenListVector, utf8Vector } from './vectors.js';
import { DataError } from '../errors/data-error.js';

const batch = () =>
  makeBatch({
    prompt_id: utf8Vector(['a', 'a', 'b']),
    reward: float32Vector([1, 0.5, 0]),
    completion_ids: tokenListVector([[1, 2], [3], []]),
  });

describe('batch columns', () => {
  it('reads columns as typed arrays and strings', () => {
    const b = batch();
    expect(Array.from(readFloat32(b, 'reward'))).toEqual([1, 0.5, 0]);
    expect(readStrings(b, 'prompt_id')).toEqual(['a', 'a', 'b']);
    expect(readTokenLists(b, 'completion_ids').map((r) => Array.from(r))).toEqual([[1, 2], [3], []]);
  });

  it('names the missing column and where it was wanted', () => {
    expect(() => columnOf(batch(), 'chosen', 'stage buildPairs')).toThrow(DataError);
    expect(() => columnOf(batch(), 'chosen', 'stage buildPairs')).toThrow(/stage buildPairs.*"chosen".*prompt_id, reward/);
  });

  it('rejects a column of the wrong type', () => {
    expect(() => readFloat32(batch(), 'prompt_id')).toThrow(/expected a number column/);
    expect(() => readStrings(batch(), 'reward')).toThrow(/expected a string column/);
  });

  it('adds and replaces columns without touching the input', () => {
    const b = batch();
    const c = withColumns(b, { reward: float32Vector([2, 2, 2]), weight: float32Vector([1, 1, 1]) });
    expect(Array.from(readFloat32(c, 'reward'))).toEqual([2, 2, 2]);
    expect(Array.from(readFloat32(c, 'weight'))).toEqual([1, 1, 1]);
    expect(c.schema.fields.map((f) => f.name)).toEqual(['prompt_id', 'reward', 'completion_ids', 'weight']);
    expect(Array.from(readFloat32(b, 'reward'))).toEqual([1, 0.5, 0]);
    expect(() => withColumns(b, { x: float32Vector([1]) })).toThrow(/1 rows, batch has 3/);
  });

  it('takes rows by index, repeats allowed', () => {
    const t = takeRows(batch(), [2, 0, 0]);
    expect(readStrings(t, 'prompt_id')).toEqual(['b', 'a', 'a']);
    expect(Array.from(readFloat32(t, 'reward'))).toEqual([0, 1, 1]);
    expect(readTokenLists(t, 'completion_ids').map((r) => Array.from(r))).toEqual([[], [1, 2], [1, 2]]);
  });
});
