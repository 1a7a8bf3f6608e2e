/**
 * Cuts the chunks a format reader yields into output batches: by rows or by estimated bytes,
 * extending a batch to the end of a run of equal `groupBy` values (DESIGN §3: all candidates of a
 * prompt in one batch). Holds at most one batch (plus one group) of rows at a time.
 */
import type { RecordBatch } from 'apache-arrow';
import { DataError } from '../../errors/data-error.js';
import type { ResolvedSourceOptions } from '../source-options.js';
import { buildBatch } from './build-batch.js';
import { isUtf8Cells, utf8CellBytes } from '../../batch/utf8-cells.js';
import { cellAt, sliceChunk, type ChunkColumn, type ColumnTypes, type RowChunk } from './row-chunk.js';

/** Rough size of a cell: string length, 8 per number, sums for lists and objects. */
function cellBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return 8;
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + cellBytes(v), 8);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value && typeof value === 'object') return Object.values(value).reduce<number>((sum, v) => sum + cellBytes(v), 0);
  return 0;
}

/** Size of row `i` of a column (encoded strings count their bytes). */
function columnCellBytes(values: ChunkColumn, i: number): number {
  return isUtf8Cells(values) ? utf8CellBytes(values, i) : cellBytes(values[i]);
}

export async function* rebatch(
  chunks: AsyncIterable<RowChunk>,
  options: ResolvedSourceOptions,
  typesOf: () => ColumnTypes,
  source: string,
): AsyncGenerator<RecordBatch> {
  const { batchRows, batchBytes, groupBy, maxGroupRows } = options;
  const countBytes = Number.isFinite(batchBytes);
  let pieces: RowChunk[] = [];
  let rows = 0;
  let bytes = 0;
  /** Set once the batch is full: only rows with this key may still join it. */
  let closing: unknown = undefined;
  let isClosing = false;

  const emit = (): RecordBatch => {
    const batch = buildBatch(pieces, typesOf(), source);
    pieces = [];
    rows = 0;
    bytes = 0;
    isClosing = false;
    return batch;
  };

  for await (const chunk of chunks) {
    const keys = groupBy === undefined ? undefined : chunk.columns[groupBy];
    if (groupBy !== undefined && !keys) {
      throw new DataError({ file: source, field: groupBy, message: `groupBy column is missing (columns: ${Object.keys(chunk.columns).join(', ')})` });
    }
    let offset = 0;
    while (offset < chunk.numRows) {
      let end = offset;
      if (isClosing) {
        while (end < chunk.numRows && cellAt(keys!, end) === closing) end++;
        if (end > offset) pieces.push(sliceChunk(chunk, offset, end));
        rows += end - offset;
        if (rows > maxGroupRows + batchRows) {
          throw new DataError({ file: source, row: chunk.startRow + end, field: groupBy, message: `more than ${maxGroupRows} consecutive rows share ${groupBy} ${JSON.stringify(closing)} (raise maxGroupRows)` });
        }
        offset = end;
        if (end < chunk.numRows) yield emit();
        continue;
      }
      if (countBytes) {
        while (end < chunk.numRows && rows + (end - offset) < batchRows && bytes < batchBytes) {
          for (const values of Object.values(chunk.columns)) bytes += columnCellBytes(values, end);
          end++;
        }
      } else {
        end = Math.min(chunk.numRows, offset + (batchRows - rows));
      }
      pieces.push(sliceChunk(chunk, offset, end));
      rows += end - offset;
      offset = end;
      if (rows >= batchRows || bytes >= batchBytes) {
        if (keys) {
          isClosing = true;
          closing = cellAt(keys, end - 1);
        } else {
          yield emit();
        }
      }
    }
  }
  if (rows > 0) yield emit();
}
