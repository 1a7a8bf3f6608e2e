/**
 * Collects row objects (parsed JSONL lines, rows handed to `fromRows`) into column arrays,
 * checking each field as it arrives so an error can still name the line. Utf8 columns are encoded
 * into bytes as each row arrives (see `Utf8Builder`), so no parsed string outlives its row.
 */
import { Type, type DataType } from 'apache-arrow';
import { Utf8Builder } from '../../batch/utf8-cells.js';
import { DataError } from '../../errors/data-error.js';
import { inferColumnType } from './infer-type.js';
import type { ChunkColumn, ColumnTypes, RowChunk } from './row-chunk.js';
import { valueProblem } from './value-problem.js';

export class RowAccumulator {
  private types: ColumnTypes | undefined;
  private names: string[] = [];
  private columns: Record<string, unknown[]> = {};
  private strings: Record<string, Utf8Builder> = {};
  private startRow = 0;
  private rows = 0;
  /**
   * With declared columns, other fields are a projection the caller asked for. With columns taken
   * from the first row, a field the first row lacked would be dropped silently, so it is an error.
   */
  private readonly fieldsFromFirstRow: boolean;

  constructor(declared: ColumnTypes | undefined) {
    this.fieldsFromFirstRow = declared === undefined;
    if (declared) this.setTypes(declared);
  }

  get columnTypes(): ColumnTypes | undefined {
    return this.types;
  }

  get size(): number {
    return this.rows;
  }

  /** Adds one row; `location` is how errors name it (e.g. `data.jsonl:12`). */
  push(row: unknown, rowIndex: number, location: string): void {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      const got = Array.isArray(row) ? 'a list' : row === null ? 'null' : typeof row;
      throw new DataError({ file: location, row: rowIndex, message: `expected an object per row, got ${got}` });
    }
    const record = row as Record<string, unknown>;
    if (!this.types) {
      const inferred: Record<string, DataType> = {};
      for (const [name, value] of Object.entries(record)) inferred[name] = inferColumnType(name, value, location);
      this.setTypes(inferred);
    }
    const types = this.types!;
    if (this.rows === 0) this.startRow = rowIndex;
    for (const name of this.names) {
      const value = record[name];
      const problem = valueProblem(value, types[name]!);
      if (problem) {
        const message = value === undefined ? `missing required field (row has: ${Object.keys(record).join(', ') || 'nothing'})` : problem;
        throw new DataError({ file: location, row: rowIndex, field: name, message });
      }
    }
    if (this.fieldsFromFirstRow) {
      for (const name of Object.keys(record)) {
        if (!Object.hasOwn(types, name)) {
          throw new DataError({
            file: location,
            row: rowIndex,
            field: name,
            message: `field not in the first row (columns: ${this.names.join(', ')}); list the columns to read in \`columns\``,
          });
        }
      }
    }
    for (const name of this.names) {
      const builder = this.strings[name];
      if (builder) builder.append(record[name] as string);
      else this.columns[name]!.push(record[name]);
    }
    this.rows++;
  }

  /** The rows collected so far as a chunk, and a fresh start. */
  take(): RowChunk | undefined {
    if (this.rows === 0) return undefined;
    const columns: Record<string, ChunkColumn> = {};
    for (const name of this.names) columns[name] = this.strings[name]?.finish() ?? this.columns[name]!;
    const chunk: RowChunk = { startRow: this.startRow, numRows: this.rows, columns };
    this.columns = Object.fromEntries(this.names.map((n) => [n, []]));
    this.rows = 0;
    return chunk;
  }

  private setTypes(types: ColumnTypes): void {
    this.types = types;
    this.names = Object.keys(types);
    this.columns = Object.fromEntries(this.names.map((n) => [n, []]));
    this.strings = Object.fromEntries(this.names.filter((n) => types[n]!.typeId === Type.Utf8).map((n) => [n, new Utf8Builder()]));
  }
}
