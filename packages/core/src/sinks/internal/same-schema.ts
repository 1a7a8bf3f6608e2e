/**
 * Every batch written to one file must have the columns and types of the first; the position
 * metadata sources attach differs per batch and is not part of the comparison.
 */
import { Schema, type RecordBatch } from 'apache-arrow';
import { DataError } from '../../errors/data-error.js';

export function fieldsSignature(schema: Schema): string {
  return schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ');
}

export function checkSameFields(first: Schema, batch: RecordBatch, path: string, index: number): void {
  const expected = fieldsSignature(first);
  const actual = fieldsSignature(batch.schema);
  if (expected !== actual) {
    throw new DataError({ file: path, message: `batch ${index} has columns (${actual}), the first batch had (${expected})` });
  }
}

/** The schema without metadata (position keys would differ batch to batch). */
export function bareSchema(schema: Schema): Schema {
  return new Schema(schema.fields);
}
