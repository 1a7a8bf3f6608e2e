/**
 * Checks a whole column read from a columnar file against its type. Typed arrays of numbers
 * need no per-value check; everything else is checked cell by cell so the error names the row.
 */
import { Type, type DataType } from 'apache-arrow';
import { DataError } from '../../errors/data-error.js';
import type { ColumnValues } from './row-chunk.js';
import { valueProblem } from './value-problem.js';

export function checkColumn(values: ColumnValues, type: DataType, file: string, name: string, startRow: number): void {
  const numeric = type.typeId === Type.Float || type.typeId === Type.Int;
  if (numeric && ArrayBuffer.isView(values)) return;
  for (let i = 0; i < values.length; i++) {
    const problem = valueProblem((values as ArrayLike<unknown>)[i], type);
    if (problem) throw new DataError({ file, row: startRow + i, field: name, message: problem });
  }
}

/** Missing required columns are an error naming the file, the column and what the file has. */
export function requireColumns(wanted: readonly string[], present: readonly string[], file: string): void {
  for (const name of wanted) {
    if (!present.includes(name)) {
      throw new DataError({ file, field: name, message: `missing required column (file has: ${present.join(', ') || 'none'})` });
    }
  }
}
