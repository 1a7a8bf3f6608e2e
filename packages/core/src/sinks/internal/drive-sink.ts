/**
 * The loop every sink shares: take batches from an Observable or an AsyncIterable, hand each to
 * a format writer, commit the file on completion, remove it on error and rethrow.
 */
import type { RecordBatch } from 'apache-arrow';
import { concatMap, isObservable, lastValueFrom, type Observable } from 'rxjs';
import type { FileHandle } from 'node:fs/promises';
import { openAtomic } from './atomic-file.js';

/** Writes one format to an open file. */
export interface FormatWriter {
  write(batch: RecordBatch, index: number): Promise<void>;
  /** Flushes the rest (footer, buffered rows). */
  finish(): Promise<void>;
  /** Releases what the writer holds after a failure. */
  abort?(): void;
}

/** What a sink reports once the file is in place. */
export interface WriteResult {
  readonly path: string;
  readonly rows: number;
  readonly batches: number;
}

export type BatchInput = Observable<RecordBatch> | AsyncIterable<RecordBatch>;

export async function driveSink(path: string, input: BatchInput, makeWriter: (handle: FileHandle) => FormatWriter): Promise<WriteResult> {
  const file = await openAtomic(path);
  let rows = 0;
  let batches = 0;
  let writer: FormatWriter | undefined;
  try {
    writer = makeWriter(file.handle);
    const format = writer;
    const writeOne = async (batch: RecordBatch) => {
      await format.write(batch, batches);
      rows += batch.numRows;
      batches++;
    };
    if (isObservable(input)) {
      // concatMap writes one batch at a time; a gated source (fromSource) keeps its queue bounded.
      await lastValueFrom(input.pipe(concatMap(writeOne)), { defaultValue: undefined });
    } else {
      for await (const batch of input) await writeOne(batch);
    }
    await format.finish();
    await file.commit();
  } catch (error) {
    writer?.abort?.();
    await file.abort();
    throw error;
  }
  return { path, rows, batches };
}
