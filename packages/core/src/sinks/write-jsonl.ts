/**
 * JSON Lines sink: one object per row, columns in schema order, lists as arrays, structs as
 * objects, float32 values in their shortest round-trip form.
 */
import type { RecordBatch } from 'apache-arrow';
import { DataError } from '../errors/data-error.js';
import { vectorValues } from '../sources/internal/vector-values.js';
import { driveSink, type BatchInput, type WriteResult } from './internal/drive-sink.js';
import { float32ToJson } from './internal/json-number.js';

function rowsAsJson(batch: RecordBatch, path: string, firstRow: number): string {
  const names = batch.schema.fields.map((f) => f.name);
  const columns = names.map((name) => {
    const values = vectorValues(batch.getChild(name)!);
    return values instanceof Float32Array ? Array.from(values, float32ToJson) : values;
  });
  let out = '';
  for (let row = 0; row < batch.numRows; row++) {
    const record: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) {
      const value = (columns[c] as ArrayLike<unknown>)[row];
      if (typeof value === 'number' && !Number.isFinite(value)) {
        // JSON has no NaN/Infinity; writing null would silently change the data.
        throw new DataError({ file: path, row: firstRow + row, field: names[c], message: `${value} cannot be written as JSON` });
      }
      record[names[c]!] = typeof value === 'bigint' ? Number(value) : value;
    }
    out += `${JSON.stringify(record)}\n`;
  }
  return out;
}

/**
 * Writes batches as JSONL to `path` atomically (temp file + rename). Resolves with the rows written.
 *
 * @example
 * const { rows } = await writeJsonl('scored.jsonl', fromRows([{ prompt_id: 'p', completion: 'c', reward: 0.5 }]));
 */
export function writeJsonl(path: string, input: BatchInput): Promise<WriteResult> {
  let rows = 0;
  return driveSink(path, input, (handle) => ({
    async write(batch) {
      await handle.write(rowsAsJson(batch, path, rows));
      rows += batch.numRows;
    },
    async finish() {},
  }));
}
