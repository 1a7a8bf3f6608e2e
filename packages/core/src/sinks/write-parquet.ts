/**
 * Parquet sink (hyparquet-writer). Batches are gathered into row groups of `rowGroupRows` and
 * each row group is flushed to disk as it is written, so memory holds one row group.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { parseConfig } from '../errors/config-error.js';
import { vectorValues } from '../sources/internal/vector-values.js';
import type { ColumnValues } from '../sources/internal/row-chunk.js';
import { driveSink, type BatchInput, type WriteResult } from './internal/drive-sink.js';
import { isInt64, parquetSchemaOf } from './internal/parquet-schema.js';
import { bareSchema, checkSameFields } from './internal/same-schema.js';

export const WriteParquetOptionsSchema = z.strictObject({
  /** Rows per row group: the unit a reader decodes at once (and so its memory). */
  rowGroupRows: z.int().positive().default(65_536),
  codec: z.enum(['SNAPPY', 'UNCOMPRESSED']).default('SNAPPY'),
  /** Min/max statistics per column chunk (lets other engines prune row groups; costs write time). */
  statistics: z.boolean().default(true),
});
export type WriteParquetOptions = z.input<typeof WriteParquetOptionsSchema>;

/** hyparquet-writer's ByteWriter whose `flush` (called after each row group) empties it to disk. */
function fileWriter(handle: FileHandle): ByteWriter {
  const writer = new ByteWriter(8 << 20);
  const drain = async () => {
    const bytes = new Uint8Array(writer.buffer, 0, writer.index).slice();
    writer.index = 0;
    await handle.write(bytes);
  };
  Object.assign(writer, { flush: drain, finish: drain });
  return writer;
}

/**
 * Writes batches to a Parquet file atomically (temp file + rename). Resolves with the rows written.
 *
 * @example
 * const { rows } = await writeParquet('pairs.parquet', readJsonl('pairs.jsonl'), { rowGroupRows: 10_000 });
 */
export function writeParquet(path: string, input: BatchInput, options?: WriteParquetOptions): Promise<WriteResult> {
  const { rowGroupRows, codec, statistics } = parseConfig(WriteParquetOptionsSchema, options ?? {}, `writeParquet(${path})`);
  return driveSink(path, input, (handle) => {
    let schema: Schema | undefined;
    let parquet: ParquetWriter | undefined;
    let pending: RecordBatch[] = [];
    let pendingRows = 0;
    const flushGroup = async () => {
      if (pendingRows === 0) return;
      const columnData = schema!.fields.map((field) => {
        const parts = pending.map((b) => vectorValues(b.getChild(field.name)!));
        let data: ColumnValues = parts.length === 1 ? parts[0]! : parts.flatMap((p) => Array.from(p as ArrayLike<unknown>));
        if (isInt64(field.type)) data = Array.from(data as ArrayLike<unknown>, (v) => (v === null ? null : BigInt(v as number)));
        return { name: field.name, data: data as unknown[] };
      });
      pending = [];
      const rows = pendingRows;
      pendingRows = 0;
      await parquet!.write({ columnData, rowGroupSize: rows });
    };
    return {
      async write(batch, index) {
        if (schema) checkSameFields(schema, batch, path, index);
        else {
          schema = bareSchema(batch.schema);
          parquet = new ParquetWriter({ writer: fileWriter(handle), schema: parquetSchemaOf(schema), codec, statistics, createdBy: 'prefstream' });
        }
        pending.push(batch);
        pendingRows += batch.numRows;
        if (pendingRows >= rowGroupRows) await flushGroup();
      },
      async finish() {
        if (!parquet) throw new Error(`${path}: no batches to write (a Parquet file needs a schema)`);
        await flushGroup();
        await parquet.finish();
      },
    };
  });
}
