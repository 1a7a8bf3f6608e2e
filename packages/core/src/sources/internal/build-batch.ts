/**
 * Column arrays (already checked) to an Arrow record batch. Numbers go through typed arrays
 * (one copy, no per-value builder calls); everything else through Arrow's builders.
 */
import { Precision, Type, makeVector, vectorFromArray, type DataType, type RecordBatch, type Vector } from 'apache-arrow';
import { makeBatch } from '../../batch/columns.js';
import { utf8Column } from '../../batch/utf8.js';
import { isUtf8Cells, utf8CellAt, utf8CellsVector, type Utf8Cells } from '../../batch/utf8-cells.js';
import { setBatchPosition } from '../batch-position.js';
import type { ChunkColumn, ColumnTypes, ColumnValues, RowChunk } from './row-chunk.js';

function decode(values: ChunkColumn): ColumnValues {
  return isUtf8Cells(values) ? Array.from({ length: values.length }, (_, i) => utf8CellAt(values, i)) : values;
}

function concat(encoded: readonly ChunkColumn[]): ColumnValues {
  const pieces = encoded.map(decode);
  if (pieces.length === 1) return pieces[0]!;
  if (pieces.every((p) => Array.isArray(p))) return ([] as unknown[]).concat(...(pieces as unknown[][]));
  return pieces.flatMap((p) => Array.from(p as ArrayLike<unknown>));
}

function toNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

function buildVector(values: ColumnValues, type: DataType): Vector {
  if (type.typeId === Type.Float && (type as unknown as { precision: Precision }).precision === Precision.SINGLE) {
    return makeVector(values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<unknown>, toNumber));
  }
  if (type.typeId === Type.Float && (type as unknown as { precision: Precision }).precision === Precision.DOUBLE) {
    return makeVector(values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<unknown>, toNumber));
  }
  if (type.typeId === Type.Int && (type as unknown as { bitWidth: number }).bitWidth === 32 && (type as unknown as { isSigned: boolean }).isSigned) {
    return makeVector(values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<unknown>, toNumber));
  }
  if (type.typeId === Type.Utf8) return utf8Column(values as string[]);
  const plain = Array.isArray(values) ? values : Array.from(values as ArrayLike<unknown>);
  return vectorFromArray(plain, type);
}

/** One batch from consecutive chunks, tagged with its position in `source`. */
export function buildBatch(pieces: readonly RowChunk[], types: ColumnTypes, source: string): RecordBatch {
  const columns: Record<string, Vector> = {};
  for (const [name, type] of Object.entries(types)) {
    const parts = pieces.map((p) => p.columns[name]!);
    // Encoded strings are copied byte-wise; nothing is decoded back into JS strings.
    columns[name] = type.typeId === Type.Utf8 && parts.every(isUtf8Cells) ? utf8CellsVector(parts as Utf8Cells[]) : buildVector(concat(parts), type);
  }
  return setBatchPosition(makeBatch(columns), source, pieces[0]!.startRow);
}
