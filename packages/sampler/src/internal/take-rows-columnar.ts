/**
 * `takeRows` for the selection stages' hot path: gathers rows buffer by buffer (typed arrays,
 * UTF-8 bytes, list offsets) instead of row objects. Columns of other types, with nulls or split
 * into several chunks go through core's generic `takeRows`, so the result is the same batch.
 */
import { makeBatch, takeRows, type Batch } from '@prefstream/core';
import { makeData, makeVector, Type, type Data, type DataType, type Vector } from 'apache-arrow';

type Typed = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;

function gatherFixed(data: Data, rows: Int32Array): Data | null {
  const values = data.values as Typed;
  if (!(values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array || values instanceof Uint32Array || values instanceof Uint16Array || values instanceof Uint8Array)) return null;
  const out = new (values.constructor as new (n: number) => Typed)(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return makeData({ type: data.type, length: rows.length, nullCount: 0, data: out } as never);
}

/** Gathers variable-length rows: new offsets, copied element ranges. */
function gatherRanges(offsets: Int32Array, rows: Int32Array): { offsets: Int32Array; total: number } {
  const out = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) out[i + 1] = out[i]! + (offsets[rows[i]! + 1]! - offsets[rows[i]!]!);
  return { offsets: out, total: out[rows.length]! };
}

function gatherUtf8(data: Data, rows: Int32Array): Data {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const { offsets: outOffsets, total } = gatherRanges(offsets, rows);
  const out = new Uint8Array(total);
  for (let i = 0; i < rows.length; i++) out.set(bytes.subarray(offsets[rows[i]!]!, offsets[rows[i]! + 1]!), outOffsets[i]!);
  return makeData({ type: data.type, length: rows.length, nullCount: 0, valueOffsets: outOffsets, data: out } as never);
}

function gatherList(data: Data, rows: Int32Array): Data | null {
  const child = data.children[0];
  if (!child || child.nullCount > 0 || child.offset !== 0) return null;
  const values = child.values as Typed;
  if (!(values instanceof Int32Array || values instanceof Float32Array)) return null;
  const offsets = data.valueOffsets as Int32Array;
  const { offsets: outOffsets, total } = gatherRanges(offsets, rows);
  const out = new (values.constructor as new (n: number) => Int32Array | Float32Array)(total);
  for (let i = 0; i < rows.length; i++) out.set(values.subarray(offsets[rows[i]!]!, offsets[rows[i]! + 1]!), outOffsets[i]!);
  const outChild = makeData({ type: child.type, length: total, nullCount: 0, data: out } as never);
  return makeData({ type: data.type, length: rows.length, nullCount: 0, valueOffsets: outOffsets, child: outChild } as never);
}

const GATHER: Partial<Record<Type, (data: Data, rows: Int32Array) => Data | null>> = {
  [Type.Float]: gatherFixed,
  [Type.Int]: (data, rows) => ((data.type as DataType & { bitWidth: number }).bitWidth <= 32 ? gatherFixed(data, rows) : null),
  [Type.Utf8]: gatherUtf8,
  [Type.List]: gatherList,
};

/**
 * A new batch of rows `rows` of `batch` (in that order, repeats allowed) holding the columns
 * `names` (default: all, in schema order); schema metadata dropped like core's takeRows.
 */
export function takeRowsColumnar(batch: Batch, rows: Int32Array, names?: readonly string[]): Batch {
  // Column subsets are assembled by name here: RecordBatch.select (apache-arrow 21) returned
  // all-null columns for some selections in our tests.
  const fields = names ? names.map((name) => batch.schema.fields.find((f) => f.name === name)!) : batch.schema.fields;
  const columns: Record<string, Vector> = {};
  const slow: string[] = [];
  for (const field of fields) {
    const column = batch.getChild(field.name)!;
    const data = column.data[0];
    const gather = GATHER[field.type.typeId as Type];
    const gathered = column.data.length === 1 && data && data.nullCount === 0 && data.offset === 0 && gather ? gather(data, rows) : null;
    if (gathered) columns[field.name] = makeVector(gathered);
    else slow.push(field.name);
  }
  if (slow.length > 0) {
    const subset: Record<string, Vector> = {};
    for (const name of slow) subset[name] = batch.getChild(name)!;
    const rest = takeRows(makeBatch(subset), rows);
    for (const name of slow) columns[name] = rest.getChild(name)!;
  }
  const ordered: Record<string, Vector> = {};
  for (const field of fields) ordered[field.name] = columns[field.name]!;
  return makeBatch(ordered);
}
