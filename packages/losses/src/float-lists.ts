/**
 * List<Float32> columns (one float per completion token, e.g. per-token log-probs) to and from
 * Arrow. Nulls and non-finite values are an error naming the column and row.
 */
import { DataError, columnOf, type Batch } from '@prefstream/core';
import { Field, Float32, List, Type, vectorFromArray, type Vector } from 'apache-arrow';

/** A List<Float32> column, one list per row. */
export function floatListVector(lists: readonly (Float32Array | readonly number[])[]): Vector<List<Float32>> {
  const type = new List(new Field('item', new Float32(), true));
  return vectorFromArray(
    lists.map((l) => Array.from(l)),
    type,
  );
}

/** The List<Float> column `name` as one Float32Array per row. */
export function readFloatLists(batch: Batch, name: string, where: string): Float32Array[] {
  const column = columnOf(batch, name, where);
  if (column.type.typeId !== Type.List) throw new DataError({ file: where, field: name, message: `expected a list of floats, got ${column.type}` });
  const out = new Array<Float32Array>(column.length);
  for (let i = 0; i < column.length; i++) {
    if (!column.isValid(i)) throw new DataError({ file: where, row: i, field: name, message: 'null value' });
    const values = (column.get(i) as Vector).toArray() as ArrayLike<number>;
    const row = values instanceof Float32Array ? values : Float32Array.from(values, Number);
    for (const v of row) if (!Number.isFinite(v)) throw new DataError({ file: where, row: i, field: name, message: `non-finite value ${v}` });
    out[i] = row;
  }
  return out;
}
