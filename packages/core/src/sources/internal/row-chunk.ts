/**
 * Rows in flight between a format reader and the batcher: plain column arrays, already checked
 * against their types, with the absolute row index of the first row (for resume and errors).
 */
import type { DataType } from 'apache-arrow';

export type ColumnValues = unknown[] | Float32Array | Float64Array | Int32Array;

export interface RowChunk {
  /** Index of the first row in the dataset (data rows, 0-based). */
  readonly startRow: number;
  readonly numRows: number;
  readonly columns: Readonly<Record<string, ColumnValues>>;
}

/** The columns of a source and their types, in output order. */
export type ColumnTypes = Readonly<Record<string, DataType>>;

export function sliceChunk(chunk: RowChunk, begin: number, end: number): RowChunk {
  if (begin === 0 && end === chunk.numRows) return chunk;
  const columns: Record<string, ColumnValues> = {};
  for (const [name, values] of Object.entries(chunk.columns)) {
    columns[name] = Array.isArray(values) ? values.slice(begin, end) : (values as Float32Array).subarray(begin, end);
  }
  return { startRow: chunk.startRow + begin, numRows: end - begin, columns };
}
