/**
 * The run's data as one pull-based iterable over all epochs, each batch stamped with its epoch
 * (schema metadata read by applyUpdates) and resumable at `{ epoch, row }` through the source's
 * `skip` option.
 */
import type { RecordBatch } from 'apache-arrow';
import { batchPosition } from '@prefstream/core';
import { EPOCH_METADATA_KEY } from '../../stages/apply-updates.js';

/** Where the stream resumes: the epoch and the rows of it already consumed. */
export interface StreamPosition {
  readonly epoch: number;
  readonly row: number;
}

export interface EpochSourceOptions {
  /** Opens the data from row `skip` on (a file source, or generated rows). */
  readonly read: (skip: number) => AsyncGenerator<RecordBatch>;
  readonly epochs: number;
  readonly start: StreamPosition;
}

/** One epoch-stamped batch and the position just after it. */
export interface PositionedBatch {
  readonly batch: RecordBatch;
  readonly after: StreamPosition;
}

/**
 * @example for await (const { batch, after } of readEpochs({ read: (skip) => readDataset(path, { batchRows: 8, skip }), epochs: 2, start: { epoch: 0, row: 0 } })) …
 */
export async function* readEpochs(options: EpochSourceOptions): AsyncGenerator<PositionedBatch> {
  for (let epoch = options.start.epoch; epoch < options.epochs; epoch++) {
    const skip = epoch === options.start.epoch ? options.start.row : 0;
    let row = skip;
    for await (const batch of options.read(skip)) {
      batch.schema.metadata.set(EPOCH_METADATA_KEY, String(epoch));
      row = batchPosition(batch)?.endRow ?? row + batch.numRows;
      yield { batch, after: { epoch, row } };
    }
  }
}
