/**
 * Arrow IPC sink: the file format (random access, `.arrow`) or the stream format (`.arrows`).
 */
import { RecordBatch, RecordBatchFileWriter, RecordBatchStreamWriter, type Schema } from 'apache-arrow';
import { driveSink, type BatchInput, type WriteResult } from './internal/drive-sink.js';
import { bareSchema, checkSameFields } from './internal/same-schema.js';

export interface WriteArrowIpcOptions {
  /** Default: 'stream' for paths ending in `.arrows`, else 'file'. */
  format?: 'file' | 'stream';
}

/**
 * Writes batches to `path` atomically (temp file + rename). Resolves with the rows written.
 *
 * @example
 * const { rows } = await writeArrowIpc('pairs.arrow', readJsonl('pairs.jsonl'));
 */
export function writeArrowIpc(path: string, input: BatchInput, options: WriteArrowIpcOptions = {}): Promise<WriteResult> {
  const format = options.format ?? (path.toLowerCase().endsWith('.arrows') ? 'stream' : 'file');
  return driveSink(path, input, (handle) => {
    const writer = format === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
    // Arrow's writer is an async byte queue; this loop moves its bytes to disk as they appear.
    const drained = (async () => {
      for await (const bytes of writer as AsyncIterable<Uint8Array>) await handle.write(bytes);
    })();
    drained.catch(() => undefined);
    let schema: Schema | undefined;
    return {
      async write(batch, index) {
        if (schema) checkSameFields(schema, batch, path, index);
        schema ??= bareSchema(batch.schema);
        writer.write(new RecordBatch(schema, batch.data));
      },
      async finish() {
        if (!schema) throw new Error(`${path}: no batches to write (an Arrow file needs a schema)`);
        writer.finish();
        await drained;
      },
      abort() {
        writer.abort();
      },
    };
  });
}
