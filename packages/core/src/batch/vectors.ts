/**
 * Builders from plain JS / typed arrays to Arrow vectors of the column types in DESIGN §3.
 */
import { Field, Float32, Int32, List, vectorFromArray, makeVector, type Utf8, type Vector } from 'apache-arrow';
import { utf8Column } from './utf8.js';

/** Float32 column; copies nothing when given a Float32Array. */
export function float32Vector(values: Float32Array | readonly number[]): Vector<Float32> {
  return makeVector(values instanceof Float32Array ? values : Float32Array.from(values));
}

/** Int32 column. */
export function int32Vector(values: Int32Array | readonly number[]): Vector<Int32> {
  return makeVector(values instanceof Int32Array ? values : Int32Array.from(values));
}

/** Utf8 column (built from bytes + offsets, see {@link utf8Column}). */
export function utf8Vector(values: readonly string[]): Vector<Utf8> {
  return utf8Column(values);
}

/** List<Int32> column (token ids). */
export function tokenListVector(lists: readonly (readonly number[] | Int32Array)[]): Vector<List<Int32>> {
  const type = new List(new Field('item', new Int32(), true));
  return vectorFromArray(
    lists.map((l) => Array.from(l)),
    type,
  );
}
