/**
 * One row of step metrics as an Arrow batch: `step` and `skipped_steps` as Int32, every other
 * value as Float64 (metrics are host doubles; Float32 would round `loss` before anyone sees it).
 */
import { makeVector, type RecordBatch, type Vector } from 'apache-arrow';
import { makeBatch } from '@prefstream/core';

const INTEGER_COLUMNS = new Set(['step', 'skipped_steps']);

export function metricsBatch(values: Readonly<Record<string, number>>): RecordBatch {
  const columns: Record<string, Vector> = {};
  for (const [name, value] of Object.entries(values)) {
    columns[name] = INTEGER_COLUMNS.has(name) ? makeVector(Int32Array.of(value)) : makeVector(Float64Array.of(value));
  }
  return makeBatch(columns);
}
