/**
 * A source over row objects already in memory or produced lazily (tests, examples, small
 * generated datasets). Same checks and batching as the file sources.
 */
import type { RecordBatch } from 'apache-arrow';
import { DataError } from '../errors/data-error.js';
import { rebatch } from './internal/rebatch.js';
import { RowAccumulator } from './internal/row-accumulator.js';
import type { RowChunk } from './internal/row-chunk.js';
import { resolveSourceOptions, type SourceOptions } from './source-options.js';

export interface FromRowsOptions extends SourceOptions {
  /** How errors and batch positions name this source (default `rows`). */
  name?: string;
}

const CHUNK_ROWS = 1024;

/**
 * Row objects as Arrow record batches. Errors name the source and the row index.
 *
 * @example
 * const source = fromRows([{ prompt: 'q', chosen: 'a', rejected: 'b' }], { batchRows: 32 });
 * for await (const batch of source) console.log(batch.numRows); // 1
 */
export function fromRows(rows: Iterable<unknown> | AsyncIterable<unknown>, options: FromRowsOptions = {}): AsyncGenerator<RecordBatch> {
  const { name = 'rows', ...rest } = options;
  const resolved = resolveSourceOptions(rest, `fromRows(${name})`);
  const accumulator = new RowAccumulator(resolved.columns);
  return rebatch(rowChunks(rows, accumulator, resolved.skip, name), resolved, () => accumulator.columnTypes!, name);
}

async function* rowChunks(rows: Iterable<unknown> | AsyncIterable<unknown>, accumulator: RowAccumulator, skip: number, name: string): AsyncGenerator<RowChunk> {
  let rowIndex = 0;
  for await (const row of rows) {
    if (rowIndex >= skip) {
      accumulator.push(row, rowIndex, name);
      if (accumulator.size >= CHUNK_ROWS) yield accumulator.take()!;
    }
    rowIndex++;
  }
  const last = accumulator.take();
  if (last) yield last;
  if (rowIndex === 0) throw new DataError({ file: name, message: 'no rows' });
}
