/**
 * Validates the JSON header of a safetensors file, which may come from anywhere: every field is
 * checked before a single tensor byte is trusted (format: huggingface/safetensors README,
 * "Format" — 8-byte little-endian header length N, N bytes of JSON, then the data area).
 */
import { DataError } from '@prefstream/core';
import type { SafetensorsDtype } from './dtype.js';
import { DTYPE_BYTES, SAFETENSORS_DTYPES, elementCount, isSafetensorsDtype } from './dtype.js';

/** Header lengths above this are refused (the reference implementation's limit is 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Where one tensor lives in the data area. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte offsets [begin, end) relative to the start of the data area. */
  readonly begin: number;
  readonly end: number;
}

/** A validated header: tensors in data order plus the `__metadata__` string map. */
export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data area from the start of the file (8 + header length). */
  readonly dataStart: number;
}

function fail(file: string, message: string, field?: string): never {
  throw new DataError({ file, ...(field === undefined ? {} : { field }), message });
}

/**
 * Checks the 8-byte length prefix against the file size.
 * @returns the header length N in bytes.
 */
export function parseHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8 || prefix.byteLength < 8) fail(file, `not a safetensors file: ${fileSize} bytes, shorter than the 8-byte header length`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(file, `safetensors header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (n > BigInt(fileSize - 8)) fail(file, `truncated safetensors file: header length ${n} but only ${fileSize - 8} bytes follow`);
  if (n < 2n) fail(file, `safetensors header length ${n} is too short for a JSON object`);
  return Number(n);
}

function isNonNegInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function parseEntry(file: string, name: string, raw: unknown, dataSize: number): TensorInfo {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, 'header entry is not an object', name);
  const entry = raw as Record<string, unknown>;
  const extra = Object.keys(entry).filter((k) => !['dtype', 'shape', 'data_offsets'].includes(k));
  if (extra.length) fail(file, `unknown header keys ${extra.join(', ')}`, name);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (!isSafetensorsDtype(dtype)) fail(file, `unknown dtype ${JSON.stringify(dtype)}; known: ${SAFETENSORS_DTYPES.join(', ')}`, name);
  if (!Array.isArray(shape) || !shape.every(isNonNegInt)) fail(file, `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`, name);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
    fail(file, `data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(file, `data_offsets [${begin}, ${end}] end before they begin`, name);
  if (end > dataSize) fail(file, `data_offsets [${begin}, ${end}] run past the data area of ${dataSize} bytes (truncated file?)`, name);
  const expected = elementCount(shape as number[]) * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    fail(file, `holds ${end - begin} bytes but ${dtype} [${(shape as number[]).join(', ')}] needs ${expected}`, name);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * Parses and validates the JSON header.
 * @param json the N header bytes after the length prefix.
 * @param dataSize bytes in the data area (file size − 8 − N).
 * @throws DataError naming the file and the offending tensor.
 */
export function parseSafetensorsHeader(json: Uint8Array, dataSize: number, file: string): SafetensorsHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (err) {
    fail(file, `safetensors header is not valid UTF-8 JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(file, 'safetensors header is not a JSON object');
  const metadata: Record<string, string> = {};
  const infos: TensorInfo[] = [];
  for (const [name, raw] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string') fail(file, `__metadata__["${k}"] must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    infos.push(parseEntry(file, name, raw, dataSize));
  }
  const sorted = [...infos].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.begin < prev.end) fail(file, `data_offsets [${cur.begin}, ${cur.end}] overlap tensor "${prev.name}" [${prev.begin}, ${prev.end}]`, cur.name);
  }
  return { tensors: new Map(sorted.map((t) => [t.name, t])), metadata, dataStart: 8 + json.byteLength };
}
