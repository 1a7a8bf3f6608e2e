/**
 * Columnar access to record batches: columns to typed arrays (never row objects in hot paths),
 * and new batches with columns added, replaced or rows taken. Missing or mistyped columns are a
 * {@link DataError} naming the column and the reader.
 */
import { RecordBatch, Table, Type, vectorFromArray, type Data, type Vector, type DataType } from 'apache-arrow';
import { DataError } from '../errors/data-error.js';

/** The column `name`, or an error naming `where` (a stage or file) and the columns present. */
export function columnOf(batch: RecordBatch, name: string, where = 'batch'): Vector {
  const column = batch.getChild(name);
  if (!column) {
    const present = batch.schema.fields.map((f) => f.name).join(', ');
    throw new DataError({ file: where, field: name, message: `missing column (present: ${present || 'none'})` });
  }
  return column;
}

function rejectNulls(column: Vector, name: string, where: string): void {
  if (column.nullCount > 0) {
    for (let i = 0; i < column.length; i++) {
      if (!column.isValid(i)) throw new DataError({ file: where, row: i, field: name, message: 'null value' });
    }
  }
}

/** A numeric column as Float32Array (converted from any numeric type). Nulls are an error. */
export function readFloat32(batch: RecordBatch, name: string, where = 'batch'): Float32Array {
  const column = columnOf(batch, name, where);
  if (!isNumeric(column.type)) throw new DataError({ file: where, field: name, message: `expected a number column, got ${column.type}` });
  rejectNulls(column, name, where);
  const values = column.toArray() as ArrayLike<number>;
  return values instanceof Float32Array ? values : Float32Array.from(values, Number);
}

/** A Utf8 column as strings. Nulls are an error. */
export function readStrings(batch: RecordBatch, name: string, where = 'batch'): string[] {
  const column = columnOf(batch, name, where);
  if (column.type.typeId !== Type.Utf8 && column.type.typeId !== Type.LargeUtf8 && column.type.typeId !== Type.Dictionary) {
    throw new DataError({ file: where, field: name, message: `expected a string column, got ${column.type}` });
  }
  rejectNulls(column, name, where);
  const out = new Array<string>(column.length);
  for (let i = 0; i < column.length; i++) out[i] = column.get(i) as string;
  return out;
}

/** A List<Int> column (token ids) as one Int32Array per row. Nulls are an error. */
export function readTokenLists(batch: RecordBatch, name: string, where = 'batch'): Int32Array[] {
  const column = columnOf(batch, name, where);
  if (column.type.typeId !== Type.List) throw new DataError({ file: where, field: name, message: `expected a list of token ids, got ${column.type}` });
  rejectNulls(column, name, where);
  const out = new Array<Int32Array>(column.length);
  for (let i = 0; i < column.length; i++) {
    const row = column.get(i) as Vector;
    const values = row.toArray() as ArrayLike<number>;
    out[i] = values instanceof Int32Array ? values : Int32Array.from(values, Number);
  }
  return out;
}

function isNumeric(type: DataType): boolean {
  return type.typeId === Type.Float || type.typeId === Type.Int;
}

/** A new batch with `columns` set: replaced in place when present, appended otherwise. */
export function withColumns(batch: RecordBatch, columns: Readonly<Record<string, Vector>>): RecordBatch {
  const merged: Record<string, Vector> = {};
  for (const field of batch.schema.fields) merged[field.name] = batch.getChild(field.name)!;
  for (const [name, vector] of Object.entries(columns)) {
    if (vector.length !== batch.numRows) {
      throw new DataError({ field: name, message: `column has ${vector.length} rows, batch has ${batch.numRows}` });
    }
    merged[name] = vector;
  }
  const out = makeBatch(merged);
  for (const [key, value] of batch.schema.metadata) out.schema.metadata.set(key, value);
  return out;
}

/** A batch from named vectors of equal length. */
export function makeBatch(columns: Readonly<Record<string, Vector>>): RecordBatch {
  const lengths = new Set(Object.values(columns).map((v) => v.length));
  if (lengths.size > 1) throw new DataError({ message: `columns differ in length: ${[...lengths].join(', ')}` });
  const data: Record<string, Data> = {};
  for (const [name, vector] of Object.entries(columns)) data[name] = singleChunk(vector);
  if (Object.keys(data).length === 0) throw new DataError({ message: 'makeBatch: no columns' });
  return new RecordBatch(data);
}

/** The vector's data as one chunk (a record batch holds exactly one chunk per column). */
function singleChunk(vector: Vector): Data {
  if (vector.data.length === 1) return vector.data[0]!;
  return vectorFromArray([...vector] as unknown[], vector.type).data[0]!;
}

/** A new batch holding rows `indices` of `batch` (in that order, repeats allowed). */
export function takeRows(batch: RecordBatch, indices: readonly number[] | Int32Array): RecordBatch {
  const table = new Table(batch);
  const picked: Record<string, Vector> = {};
  for (const field of batch.schema.fields) {
    const column = table.getChild(field.name)!;
    const values = new Array<unknown>(indices.length);
    for (let i = 0; i < indices.length; i++) values[i] = column.get(indices[i]!);
    picked[field.name] = rebuild(values, field.type);
  }
  return makeBatch(picked);
}


function rebuild(values: unknown[], type: DataType): Vector {
  if (type.typeId === Type.List) {
    return vectorFromArray(values.map((v) => (v === null ? null : Array.from((v as Vector).toArray() as ArrayLike<number>))), type);
  }
  return vectorFromArray(values, type);
}
