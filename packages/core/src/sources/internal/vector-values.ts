/**
 * An Arrow vector as plain JS values: typed arrays for null-free numbers, otherwise one value per
 * row with lists as arrays and structs as objects (what JSON and the Parquet writer take).
 */
import { Type, Vector, type Utf8 } from 'apache-arrow';
import { utf8Strings } from '../../batch/utf8.js';
import type { ColumnValues } from './row-chunk.js';

function plain(value: unknown): unknown {
  if (value instanceof Vector) return Array.from(value as Iterable<unknown>, plain);
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function' && !(value instanceof Date)) {
    const object = (value as { toJSON(): Record<string, unknown> }).toJSON();
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export function vectorValues(vector: Vector): ColumnValues {
  const id = vector.type.typeId;
  if ((id === Type.Float || id === Type.Int) && vector.nullCount === 0) {
    const array = vector.toArray() as ArrayLike<number | bigint>;
    if (array instanceof Float32Array || array instanceof Float64Array || array instanceof Int32Array) return array;
    return Array.from(array, (v) => (typeof v === 'bigint' ? Number(v) : v));
  }
  if (id === Type.Utf8) return utf8Strings(vector as Vector<Utf8>);
  const out = new Array<unknown>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = plain(vector.get(i));
  return out;
}
