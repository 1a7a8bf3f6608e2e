/**
 * Picks the reader for a dataset file by its extension — a registry, so a new format is a new
 * reader and one line here.
 */
import type { RecordBatch } from 'apache-arrow';
import { ConfigError } from '../errors/config-error.js';
import { readArrowIpc } from './read-arrow-ipc.js';
import { readJsonl } from './read-jsonl.js';
import { readParquet } from './read-parquet.js';
import type { SourceOptions } from './source-options.js';

export type DatasetReader = (path: string, options?: SourceOptions) => AsyncGenerator<RecordBatch>;

/** Readers by file extension (lower case, with the dot). */
export const DATASET_READERS: Readonly<Record<string, DatasetReader>> = {
  '.jsonl': readJsonl,
  '.ndjson': readJsonl,
  '.parquet': readParquet,
  '.arrow': readArrowIpc,
  '.arrows': readArrowIpc,
  '.ipc': readArrowIpc,
  '.feather': readArrowIpc,
};

/**
 * The extension `path` is dispatched on (the longest match), or a ConfigError listing the known ones.
 *
 * @example
 * datasetExtension('data/pairs.PARQUET', Object.keys(DATASET_READERS), 'readDataset'); // '.parquet'
 */
export function datasetExtension(path: string, known: readonly string[], what: string): string {
  const lower = path.toLowerCase();
  const match = known.filter((ext) => lower.endsWith(ext)).sort((a, b) => b.length - a.length)[0];
  if (!match) throw new ConfigError(what, `cannot tell the format of "${path}" from its extension (known: ${known.join(', ')})`);
  return match;
}

/**
 * Reads any supported dataset file.
 *
 * @example
 * for await (const batch of readDataset('data/pairs.parquet', { batchRows: 128 })) console.log(batch.numRows);
 */
export function readDataset(path: string, options?: SourceOptions): AsyncGenerator<RecordBatch> {
  const reader = DATASET_READERS[datasetExtension(path, Object.keys(DATASET_READERS), 'readDataset')]!;
  return reader(path, options);
}
