/**
 * Utf8 cells laid out as Arrow lays them out — one byte buffer and offsets — built while rows
 * arrive. Readers encode each string the moment it is parsed, so the JS string dies young (in
 * V8's scavenger) instead of being held, with thousands like it, until its batch is built: held
 * strings get promoted to the old generation, which V8 collects late, and peak RSS then grows with
 * the length of the run.
 */
import { Utf8, makeData, makeVector, type Vector } from 'apache-arrow';

/** Cell `i` is `bytes[offsets[i] .. offsets[i + 1])`; offsets index `bytes` directly (they need not start at 0). */
export interface Utf8Cells {
  readonly kind: 'utf8-cells';
  readonly length: number;
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
}

/** Whether `values` is a {@link Utf8Cells} (and not an array of values). */
export function isUtf8Cells(values: unknown): values is Utf8Cells {
  return (values as Utf8Cells | undefined)?.kind === 'utf8-cells';
}

/** Starting capacity of a builder's byte buffer; it doubles when full. */
const INITIAL_BYTES = 1 << 16;

/**
 * Appends strings as UTF-8 into one growing buffer.
 *
 * @example
 * const b = new Utf8Builder();
 * b.append('a'); b.append('é');
 * utf8CellsVector([b.finish()]).get(1); // 'é'
 */
export class Utf8Builder {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private offsets = new Int32Array(1024 + 1);
  private count = 0;
  private at = 0;

  get length(): number {
    return this.count;
  }

  append(value: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const need = this.at + value.length * 3;
    if (need > this.buffer.length) this.growBytes(need);
    if (this.count + 2 > this.offsets.length) {
      const offsets = new Int32Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.at += this.buffer.write(value, this.at, 'utf8');
    this.offsets[++this.count] = this.at;
  }

  /** The cells appended so far; the builder starts afresh (new buffers, so the cells stay valid). */
  finish(): Utf8Cells {
    const cells: Utf8Cells = {
      kind: 'utf8-cells',
      length: this.count,
      offsets: this.offsets.subarray(0, this.count + 1),
      bytes: new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.at),
    };
    // The next chunk is likely as large as this one: start there instead of doubling up to it again.
    this.buffer = Buffer.allocUnsafeSlow(Math.max(INITIAL_BYTES, this.at + (this.at >> 2)));
    this.offsets = new Int32Array(Math.max(this.offsets.length, 1025));
    this.count = 0;
    this.at = 0;
    return cells;
  }

  private growBytes(need: number): void {
    const buffer = Buffer.allocUnsafeSlow(Math.max(need, this.buffer.length * 2));
    this.buffer.copy(buffer, 0, 0, this.at);
    this.buffer = buffer;
  }
}

/** Strings as {@link Utf8Cells}. */
export function toUtf8Cells(values: readonly string[]): Utf8Cells {
  const builder = new Utf8Builder();
  for (const value of values) builder.append(value);
  return builder.finish();
}

/** Cells `[begin, end)`, sharing the bytes. */
export function sliceUtf8Cells(cells: Utf8Cells, begin: number, end: number): Utf8Cells {
  return { kind: 'utf8-cells', length: end - begin, offsets: cells.offsets.subarray(begin, end + 1), bytes: cells.bytes };
}

/** Cell `i` as a string. */
export function utf8CellAt(cells: Utf8Cells, i: number): string {
  const { bytes } = cells;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', cells.offsets[i]!, cells.offsets[i + 1]!);
}

/** Bytes of cell `i`. */
export function utf8CellBytes(cells: Utf8Cells, i: number): number {
  return cells.offsets[i + 1]! - cells.offsets[i]!;
}

/**
 * One Utf8 vector (no nulls) from consecutive pieces: their bytes copied once into one buffer,
 * or none copied when there is a single piece whose offsets start at 0.
 */
export function utf8CellsVector(pieces: readonly Utf8Cells[]): Vector<Utf8> {
  const only = pieces.length === 1 ? pieces[0]! : undefined;
  if (only && only.offsets[0] === 0) {
    const data = only.bytes.subarray(0, only.offsets[only.length]!);
    return makeVector(makeData({ type: new Utf8(), length: only.length, nullCount: 0, valueOffsets: only.offsets, data }));
  }
  let length = 0;
  let size = 0;
  for (const piece of pieces) {
    length += piece.length;
    size += piece.offsets[piece.length]! - piece.offsets[0]!;
  }
  const data = new Uint8Array(size);
  const valueOffsets = new Int32Array(length + 1);
  let row = 0;
  let at = 0;
  for (const piece of pieces) {
    const base = piece.offsets[0]!;
    data.set(piece.bytes.subarray(base, piece.offsets[piece.length]!), at);
    for (let i = 1; i <= piece.length; i++) valueOffsets[row + i] = at + piece.offsets[i]! - base;
    row += piece.length;
    at += piece.offsets[piece.length]! - base;
  }
  return makeVector(makeData({ type: new Utf8(), length, nullCount: 0, valueOffsets, data }));
}
