/**
 * Rows in flight between a format reader and the batcher: plain column arrays, already checked
 * against their types, with the absolute row index of the first row (for resume and errors).
 */
import type { DataType } from 'apache-arrow';
import { isUtf8Cells, sliceUtf8Cells, utf8CellAt, type Utf8Cells } from '../../batch/utf8-cells.js';

export type ColumnValues = unknown[] | Float32Array | Float64Array | Int32Array;

/** A column of a chunk: plain values, or strings already encoded as Arrow lays them out. */
export type ChunkColumn = ColumnValues | Utf8Cells;

export interface RowChunk {
  /** Index of the first row in the dataset (data rows, 0-based). */
  readonly startRow: number;
  readonly numRows: number;
  readonly columns: Readonly<Record<string, ChunkColumn>>;
}

/** The columns of a source and their types, in output order. */
export type ColumnTypes = Readonly<Record<string, DataType>>;

export function sliceChunk(chunk: RowChunk, begin: number, end: number): RowChunk {
  if (begin === 0 && end === chunk.numRows) return chunk;
  const columns: Record<string, ChunkColumn> = {};
  for (const [name, values] of Object.entries(chunk.columns)) {
    if (isUtf8Cells(values)) columns[name] = sliceUtf8Cells(values, begin, end);
    else columns[name] = Array.isArray(values) ? values.slice(begin, end) : (values as Float32Array).subarray(begin, end);
  }
  return { startRow: chunk.startRow + begin, numRows: end - begin, columns };
}

/** Row `i` of a column as a plain value (strings decoded). */
export function cellAt(values: ChunkColumn, i: number): unknown {
  return isUtf8Cells(values) ? utf8CellAt(values, i) : values[i];
}
