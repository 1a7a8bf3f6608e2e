/**
 * The check a stage or reader runs on its input: the required columns are present and hold the
 * right types. The error names where the batch came from (file or stage) and the column.
 */
import type { RecordBatch } from 'apache-arrow';
import { DataError } from '../errors/data-error.js';
import { resolveColumnTypes, typeAccepts, type ColumnList } from './arrow-schema.js';

/**
 * Throws a {@link DataError} naming `where` and the first missing or mistyped column.
 * Returns the batch, so it can sit in a `map`.
 *
 * @example
 * validateBatch(batch, ['prompt', 'chosen', 'rejected'], 'stage tokenize (#1)');
 * validateBatch(batch, { score: new Float64() }, 'data/pairs.parquet');
 */
export function validateBatch(batch: RecordBatch, required: ColumnList, where: string): RecordBatch {
  const types = resolveColumnTypes(required, where);
  const present = batch.schema.fields.map((f) => f.name);
  for (const [name, type] of Object.entries(types)) {
    const field = batch.schema.fields.find((f) => f.name === name);
    if (!field) {
      throw new DataError({ file: where, field: name, message: `missing required column (present: ${present.join(', ') || 'none'})` });
    }
    if (!typeAccepts(type, field.type)) {
      throw new DataError({ file: where, field: name, message: `expected ${type}, got ${field.type}` });
    }
  }
  return batch;
}
