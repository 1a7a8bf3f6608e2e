/**
 * Where a batch came from, stored in its schema metadata so it survives stages that add columns
 * (`withColumns` keeps metadata). The trainer saves `startRow + numRows` of the last batch it
 * finished and resumes the source with `skip` set to it.
 */
import type { RecordBatch } from 'apache-arrow';

const SOURCE = 'prefstream.source';
const START_ROW = 'prefstream.start_row';

export interface BatchPosition {
  /** The file (or name) the rows were read from. */
  readonly source: string;
  /** Index of the batch's first row in the dataset (0-based, counting data rows). */
  readonly startRow: number;
  /** Index one past its last row: the `skip` that resumes after this batch. */
  readonly endRow: number;
}

/**
 * Records the position on `batch` (mutates its schema metadata; call on fresh batches only).
 *
 * @example
 * batchPosition(setBatchPosition(makeBatch({ prompt: utf8Vector(['q']) }), 'mem', 10)); // { source: 'mem', startRow: 10, endRow: 11 }
 */
export function setBatchPosition(batch: RecordBatch, source: string, startRow: number): RecordBatch {
  batch.schema.metadata.set(SOURCE, source);
  batch.schema.metadata.set(START_ROW, String(startRow));
  return batch;
}

/**
 * The position of a batch read by a prefstream source, or undefined for other batches.
 *
 * @example
 * for await (const batch of readJsonl('pairs.jsonl', { batchRows: 256 })) {
 *   const { startRow, endRow } = batchPosition(batch)!; // 0, 256; then 256, 512; …
 * }
 */
export function batchPosition(batch: RecordBatch): BatchPosition | undefined {
  const source = batch.schema.metadata.get(SOURCE);
  const start = batch.schema.metadata.get(START_ROW);
  if (source === undefined || start === undefined) return undefined;
  const startRow = Number(start);
  return { source, startRow, endRow: startRow + batch.numRows };
}
