/**
 * The run's data as one pull-based iterable over all epochs, each batch stamped with its epoch
 * (schema metadata read by applyUpdates) and resumable at `{ epoch, row }` through the source's
 * `skip` option.
 */
import type { RecordBatch } from 'apache-arrow';
import { batchPosition, readDataset, type SourceOptions } from '@prefstream/core';
import { EPOCH_METADATA_KEY } from '../../stages/apply-updates.js';

/** Where the stream resumes: the epoch and the rows of it already consumed. */
export interface StreamPosition {
  readonly epoch: number;
  readonly row: number;
}

export interface EpochSourceOptions {
  readonly path: string;
  readonly epochs: number;
  readonly source: SourceOptions;
  readonly start: StreamPosition;
}

/** One epoch-stamped batch and the position just after it. */
export interface PositionedBatch {
  readonly batch: RecordBatch;
  readonly after: StreamPosition;
}

/**
 * @example for await (const { batch, after } of readEpochs({ path, epochs: 2, source: { batchRows: 8 }, start: { epoch: 0, row: 0 } })) …
 */
export async function* readEpochs(options: EpochSourceOptions): AsyncGenerator<PositionedBatch> {
  for (let epoch = options.start.epoch; epoch < options.epochs; epoch++) {
    const skip = epoch === options.start.epoch ? options.start.row : 0;
    let row = skip;
    for await (const batch of readDataset(options.path, { ...options.source, skip })) {
      batch.schema.metadata.set(EPOCH_METADATA_KEY, String(epoch));
      row = batchPosition(batch)?.endRow ?? row + batch.numRows;
      yield { batch, after: { epoch, row } };
    }
  }
}

/** The column names of the data, from the first batch's schema (nothing else is read). */
export async function peekColumns(path: string, source: SourceOptions): Promise<string[]> {
  const iterator = readDataset(path, { ...source, batchRows: 1 });
  try {
    const first = await iterator.next();
    return first.done ? [] : first.value.schema.fields.map((f) => f.name);
  } finally {
    await iterator.return(undefined);
  }
}
