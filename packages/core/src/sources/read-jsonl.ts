/**
 * JSON Lines source: one JSON object per line, blank lines ignored. Pull-based — the file is read
 * block by block as the consumer asks for batches.
 */
import type { RecordBatch } from 'apache-arrow';
import { DataError } from '../errors/data-error.js';
import { readLines } from './internal/read-lines.js';
import { rebatch } from './internal/rebatch.js';
import { RowAccumulator } from './internal/row-accumulator.js';
import type { RowChunk } from './internal/row-chunk.js';
import { resolveSourceOptions, type SourceOptions } from './source-options.js';

/** Rows handed to the batcher at a time (independent of the batch size asked for). */
const CHUNK_ROWS = 1024;

/**
 * Reads a JSONL file as Arrow record batches. Errors name the file and line (`pairs.jsonl:12`),
 * the row and the field: invalid JSON, a missing required field, a value of the wrong type, an
 * empty file.
 *
 * @example
 * for await (const batch of readJsonl('pairs.jsonl', { columns: ['prompt', 'chosen', 'rejected'], batchRows: 64 })) {
 *   console.log(batch.numRows, batchPosition(batch)?.startRow);
 * }
 */
export function readJsonl(path: string, options?: SourceOptions): AsyncGenerator<RecordBatch> {
  const resolved = resolveSourceOptions(options, `readJsonl(${path})`);
  const rows = new RowAccumulator(resolved.columns);
  return rebatch(jsonlChunks(path, rows, resolved.skip), resolved, () => rows.columnTypes!, path);
}

async function* jsonlChunks(path: string, rows: RowAccumulator, skip: number): AsyncGenerator<RowChunk> {
  let rowIndex = 0;
  for await (const line of readLines(path)) {
    if (line.text.trim().length === 0) continue;
    // Skipped rows are counted, not parsed: resuming deep into a file costs a scan, not a parse.
    if (rowIndex < skip) {
      rowIndex++;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (cause) {
      throw new DataError({ file: `${path}:${line.number}`, row: rowIndex, message: `invalid JSON (${(cause as Error).message})`, cause });
    }
    rows.push(value, rowIndex, `${path}:${line.number}`);
    rowIndex++;
    if (rows.size >= CHUNK_ROWS) yield rows.take()!;
  }
  const last = rows.take();
  if (last) yield last;
  if (rowIndex === 0) throw new DataError({ file: path, message: 'empty file: no rows' });
}
