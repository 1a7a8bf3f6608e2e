/**
 * Picks the sink for a dataset file by its extension, like `readDataset` does for sources.
 */
import { datasetExtension } from '../sources/read-dataset.js';
import type { BatchInput, WriteResult } from './internal/drive-sink.js';
import { writeArrowIpc } from './write-arrow-ipc.js';
import { writeJsonl } from './write-jsonl.js';
import { writeParquet } from './write-parquet.js';

export type { BatchInput, WriteResult } from './internal/drive-sink.js';

export type DatasetWriter = (path: string, input: BatchInput) => Promise<WriteResult>;

/** Writers by file extension (lower case, with the dot). */
export const DATASET_WRITERS: Readonly<Record<string, DatasetWriter>> = {
  '.jsonl': writeJsonl,
  '.ndjson': writeJsonl,
  '.parquet': (path, input) => writeParquet(path, input),
  '.arrow': (path, input) => writeArrowIpc(path, input, { format: 'file' }),
  '.feather': (path, input) => writeArrowIpc(path, input, { format: 'file' }),
  '.ipc': (path, input) => writeArrowIpc(path, input, { format: 'file' }),
  '.arrows': (path, input) => writeArrowIpc(path, input, { format: 'stream' }),
};

/**
 * Writes batches to any supported dataset file (e.g. for `prefstream data convert`).
 *
 * @example
 * await writeDataset('pairs.parquet', readDataset('pairs.jsonl'));
 */
export function writeDataset(path: string, input: BatchInput): Promise<WriteResult> {
  return DATASET_WRITERS[datasetExtension(path, Object.keys(DATASET_WRITERS), 'writeDataset')]!(path, input);
}
