/**
 * Arrow IPC source, file (`.arrow`, random access) and stream (`.arrows`) formats. Arrow's
 * RecordBatchReader is itself pull-based: a record batch is read from disk when asked for.
 */
import { open, stat } from 'node:fs/promises';
import { RecordBatchReader, Type, type RecordBatch, type Vector } from 'apache-arrow';
import type { Utf8Cells } from '../batch/utf8-cells.js';
import { DataError } from '../errors/data-error.js';
import { typeAccepts } from '../schema/arrow-schema.js';
import { checkColumn, requireColumns } from './internal/check-column.js';
import { rebatch } from './internal/rebatch.js';
import { sliceChunk, type ChunkColumn, type ColumnTypes, type RowChunk } from './internal/row-chunk.js';
import { vectorValues } from './internal/vector-values.js';
import { resolveSourceOptions, type SourceOptions } from './source-options.js';

/**
 * Reads an Arrow IPC file or stream as record batches, re-cut to the requested batch size.
 *
 * @example
 * for await (const batch of readArrowIpc('pairs.arrow', { batchRows: 256 })) console.log(batch.numRows);
 */
export function readArrowIpc(path: string, options?: SourceOptions): AsyncGenerator<RecordBatch> {
  const resolved = resolveSourceOptions(options, `readArrowIpc(${path})`);
  const state: { types: ColumnTypes | undefined } = { types: resolved.columns };
  return rebatch(ipcChunks(path, resolved.skip, state), resolved, () => state.types!, path);
}

async function* ipcChunks(path: string, skip: number, state: { types: ColumnTypes | undefined }): AsyncGenerator<RowChunk> {
  if ((await stat(path)).size === 0) throw new DataError({ file: path, message: 'empty file' });
  const handle = await open(path, 'r');
  try {
    let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
    try {
      reader = await RecordBatchReader.from(handle);
      await reader.open();
    } catch (cause) {
      throw new DataError({ file: path, message: `not an Arrow IPC file or stream (${(cause as Error).message})`, cause });
    }
    let rowIndex = 0;
    for await (const batch of reader as AsyncIterable<RecordBatch>) {
      const startRow = rowIndex;
      rowIndex += batch.numRows;
      if (rowIndex <= skip || batch.numRows === 0) continue;
      yield sliceChunk(toChunk(batch, startRow, path, state), Math.max(0, skip - startRow), batch.numRows);
    }
    if (rowIndex === 0) throw new DataError({ file: path, message: 'empty file: no rows' });
  } finally {
    await handle.close();
  }
}

function toChunk(batch: RecordBatch, startRow: number, path: string, state: { types: ColumnTypes | undefined }): RowChunk {
  const present = batch.schema.fields.map((f) => f.name);
  state.types ??= Object.fromEntries(batch.schema.fields.map((f) => [f.name, f.type]));
  requireColumns(Object.keys(state.types), present, path);
  const columns: Record<string, ChunkColumn> = {};
  for (const [name, type] of Object.entries(state.types)) {
    const vector = batch.getChild(name)!;
    if (!typeAccepts(type, vector.type)) {
      throw new DataError({ file: path, row: startRow, field: name, message: `expected ${type}, got ${vector.type}` });
    }
    const cells = type.typeId === Type.Utf8 ? utf8CellsOf(vector) : undefined;
    if (cells) {
      columns[name] = cells;
      continue;
    }
    const values = vectorValues(vector);
    checkColumn(values, type, path, name, startRow);
    columns[name] = values;
  }
  return { startRow, numRows: batch.numRows, columns };
}

/** A null-free Utf8 vector's own bytes and offsets (no string is decoded), else undefined. */
function utf8CellsOf(vector: Vector): Utf8Cells | undefined {
  if (vector.type.typeId !== Type.Utf8 || vector.nullCount > 0 || vector.data.length !== 1) return undefined;
  const data = vector.data[0]!;
  return { kind: 'utf8-cells', length: data.length, offsets: data.valueOffsets as Int32Array, bytes: data.values as Uint8Array };
}
