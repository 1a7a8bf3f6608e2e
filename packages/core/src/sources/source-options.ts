/**
 * Options every source takes. Batches are cut by rows or by an estimate of their bytes (a
 * high-water mark, as Arrow's own readers do), optionally never splitting a run of rows that
 * share a key — all candidates of one prompt travel in one batch (DESIGN §3).
 */
import { DataType } from 'apache-arrow';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../errors/config-error.js';
import { resolveColumnTypes } from '../schema/arrow-schema.js';
import type { ColumnTypes } from './internal/row-chunk.js';

export const SourceOptionsSchema = z.strictObject({
  /** Rows per batch (default 1024 when `batchBytes` is not given). */
  batchRows: z.int().positive().optional(),
  /** Cut a batch once its cells reach about this many bytes (strings count their length). */
  batchBytes: z.int().positive().optional(),
  /**
   * The expected columns: names of known columns (types from `COLUMN_TYPES`) or name → Arrow type.
   * Missing ones are an error naming the file; other columns in the file are not read.
   * Default: the columns of the file (typed by name when known, else from the data).
   */
  columns: z.union([z.array(z.string()), z.record(z.string(), z.instanceof(DataType))]).optional(),
  /** Keep consecutive rows with equal values of this column in one batch (usually `prompt_id`). */
  groupBy: z.string().optional(),
  /** Rows to skip from the start: resume a stream at the `startRow` of the next unseen batch. */
  skip: z.int().nonnegative().default(0),
  /** A run of equal `groupBy` values longer than this is an error (keeps memory bounded). */
  maxGroupRows: z.int().positive().default(65_536),
});

export type SourceOptions = z.input<typeof SourceOptionsSchema>;

export interface ResolvedSourceOptions {
  readonly batchRows: number;
  readonly batchBytes: number;
  readonly columns: ColumnTypes | undefined;
  readonly groupBy: string | undefined;
  readonly skip: number;
  readonly maxGroupRows: number;
}

/**
 * Parses `options` (errors name `where`) and fills the batching defaults.
 *
 * @example
 * resolveSourceOptions({ batchBytes: 1 << 20 }, 'readJsonl(x.jsonl)').batchRows; // Infinity: cut by bytes only
 */
export function resolveSourceOptions(options: SourceOptions | undefined, where: string): ResolvedSourceOptions {
  const parsed = parseConfig(SourceOptionsSchema, options ?? {}, where);
  const columns = parsed.columns === undefined ? undefined : resolveColumnTypes(parsed.columns, where);
  if (columns && parsed.groupBy !== undefined && !Object.hasOwn(columns, parsed.groupBy)) {
    throw new ConfigError(where, `groupBy column "${parsed.groupBy}" is not among the columns read (${Object.keys(columns).join(', ')})`);
  }
  return {
    batchRows: parsed.batchRows ?? (parsed.batchBytes === undefined ? 1024 : Number.POSITIVE_INFINITY),
    batchBytes: parsed.batchBytes ?? Number.POSITIVE_INFINITY,
    columns,
    groupBy: parsed.groupBy,
    skip: parsed.skip,
    maxGroupRows: parsed.maxGroupRows,
  };
}

