/**
 * Parquet source (hyparquet). Row groups are decoded one at a time, when the consumer pulls, so
 * memory holds one row group (plus one batch) whatever the file size; `skip` skips whole row
 * groups without decoding them.
 */
import { stat } from 'node:fs/promises';
import { Type, type DataType, type RecordBatch } from 'apache-arrow';
import { toUtf8Cells } from '../batch/utf8-cells.js';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type ColumnData, type FileMetaData } from 'hyparquet';
import { DataError } from '../errors/data-error.js';
import { checkColumn, requireColumns } from './internal/check-column.js';
import { inferColumnType } from './internal/infer-type.js';
import { rebatch } from './internal/rebatch.js';
import type { ChunkColumn, ColumnTypes, ColumnValues, RowChunk } from './internal/row-chunk.js';
import { resolveSourceOptions, type ResolvedSourceOptions, type SourceOptions } from './source-options.js';

/**
 * Reads a Parquet file as Arrow record batches. Errors name the file, and the column and row
 * where they apply: not a Parquet file, empty, a missing required column, a value of the wrong type.
 *
 * @example
 * for await (const batch of readParquet('pairs.parquet', { columns: ['prompt', 'chosen', 'rejected'] })) {
 *   console.log(batch.numRows);
 * }
 */
export function readParquet(path: string, options?: SourceOptions): AsyncGenerator<RecordBatch> {
  const resolved = resolveSourceOptions(options, `readParquet(${path})`);
  const state: { types: ColumnTypes | undefined } = { types: resolved.columns };
  return rebatch(parquetChunks(path, resolved, state), resolved, () => state.types!, path);
}

async function openParquet(path: string): Promise<{ file: Awaited<ReturnType<typeof asyncBufferFromFile>>; metadata: FileMetaData }> {
  const { size } = await stat(path);
  if (size === 0) throw new DataError({ file: path, message: 'empty file' });
  const file = await asyncBufferFromFile(path);
  try {
    return { file, metadata: await parquetMetadataAsync(file) };
  } catch (cause) {
    throw new DataError({ file: path, message: `not a readable Parquet file (${(cause as Error).message})`, cause });
  }
}

async function* parquetChunks(path: string, options: ResolvedSourceOptions, state: { types: ColumnTypes | undefined }): AsyncGenerator<RowChunk> {
  const { file, metadata } = await openParquet(path);
  if (Number(metadata.num_rows) === 0) throw new DataError({ file: path, message: 'empty file: no rows' });
  const present = parquetSchema(metadata).children.map((child) => child.element.name);
  const names = state.types ? Object.keys(state.types) : present;
  requireColumns(names, present, path);
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    const rowStart = Math.max(groupStart, options.skip);
    if (rowStart < groupEnd) yield await readGroup(path, file, metadata, names, rowStart, groupEnd, state);
    groupStart = groupEnd;
  }
}

/**
 * Rows [rowStart, rowEnd) of one row group, one column at a time: hyparquet decodes a column
 * chunk into one JS string per cell, and each column's strings are encoded into bytes before the
 * next column is decoded, so at most one column of strings is alive — not all of them, and not
 * while the group's batches are pulled one by one (held that long they reach V8's old generation,
 * which is collected late).
 */
async function readGroup(
  path: string,
  file: Awaited<ReturnType<typeof asyncBufferFromFile>>,
  metadata: FileMetaData,
  names: readonly string[],
  rowStart: number,
  rowEnd: number,
  state: { types: ColumnTypes | undefined },
): Promise<RowChunk> {
  const types: Record<string, DataType> = { ...state.types };
  const columns: Record<string, ChunkColumn> = {};
  for (const name of names) {
    const pieces: ColumnData[] = [];
    try {
      await parquetRead({ file, metadata, columns: [name], rowStart, rowEnd, onChunk: (chunk) => void pieces.push(chunk) });
    } catch (cause) {
      throw new DataError({ file: path, row: rowStart, message: `cannot decode rows ${rowStart}–${rowEnd} (${(cause as Error).message})`, cause });
    }
    const values = assemble(pieces, rowStart, rowEnd, path, name);
    pieces.length = 0;
    const type = (types[name] ??= inferColumnType(name, values[0], path));
    checkColumn(values, type, path, name, rowStart);
    columns[name] = type.typeId === Type.Utf8 ? toUtf8Cells(values as string[]) : values;
  }
  state.types ??= types;
  return { startRow: rowStart, numRows: rowEnd - rowStart, columns };
}

/** The values of rows [rowStart, rowEnd) from the decoded pieces (which may cover more rows). */
function assemble(pieces: ColumnData[], rowStart: number, rowEnd: number, path: string, name: string): ColumnValues {
  const sorted = [...pieces].sort((a, b) => a.rowStart - b.rowStart);
  const out: unknown[] = [];
  for (const piece of sorted) {
    const from = Math.max(rowStart, piece.rowStart);
    const to = Math.min(rowEnd, piece.rowEnd);
    for (let row = from; row < to; row++) out.push(piece.columnData[row - piece.rowStart]);
  }
  if (out.length !== rowEnd - rowStart) {
    throw new DataError({ file: path, row: rowStart, field: name, message: `decoded ${out.length} values for ${rowEnd - rowStart} rows` });
  }
  return out;
}
