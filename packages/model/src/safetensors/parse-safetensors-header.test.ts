import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsReader } from './safetensors-reader.js';

/** Builds a file from a header object (or raw header text) and a data area. */
function fileBytes(header: unknown, data: Uint8Array, opts: { length?: bigint; raw?: string } = {}): Uint8Array {
  const json = new TextEncoder().encode(opts.raw ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, opts.length ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

async function openBytes(bytes: Uint8Array): Promise<SafetensorsReader> {
  const dir = await mkdtemp(path.join(tmpdir(), 'st-'));
  const file = path.join(dir, 'bad.safetensors');
  await writeFile(file, bytes);
  return SafetensorsReader.open(file);
}

const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
const data8 = new Uint8Array(8);

// One row per corruption: the header (or raw text), the data, and what the error must say.
const CASES: { name: string; bytes: () => Uint8Array; error: RegExp }[] = [
  { name: 'file shorter than the length prefix', bytes: () => new Uint8Array(5), error: /bad\.safetensors.*shorter than the 8-byte header length/ },
  { name: 'header length over 100 MB', bytes: () => fileBytes(ok, data8, { length: 200_000_000n }), error: /exceeds the 100000000-byte limit/ },
  { name: 'header length past the end of the file', bytes: () => fileBytes(ok, data8, { length: 10_000n }), error: /truncated safetensors file: header length 10000/ },
  { name: 'header length of 2^64 − 1', bytes: () => fileBytes(ok, data8, { length: 0xffffffffffffffffn }), error: /exceeds the 100000000-byte limit/ },
  { name: 'header not JSON', bytes: () => fileBytes(null, data8, { raw: '{"a": [' }), error: /not valid UTF-8 JSON/ },
  { name: 'header not UTF-8', bytes: () => fileBytes(null, data8, { raw: '{"\udc00": 1}' }), error: /bad\.safetensors/ },
  { name: 'header a JSON array', bytes: () => fileBytes([1, 2], data8), error: /not a JSON object/ },
  { name: 'entry not an object', bytes: () => fileBytes({ a: 3 }, data8), error: /field "a": header entry is not an object/ },
  { name: 'unknown dtype', bytes: () => fileBytes({ a: { dtype: 'F8', shape: [2], data_offsets: [0, 8] } }, data8), error: /field "a": unknown dtype "F8"/ },
  { name: 'negative dimension', bytes: () => fileBytes({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data8), error: /field "a": shape must be an array of non-negative integers/ },
  { name: 'fractional offset', bytes: () => fileBytes({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 7.5] } }, data8), error: /field "a": data_offsets must be two non-negative integers/ },
  { name: 'offsets reversed', bytes: () => fileBytes({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, data8), error: /end before they begin/ },
  { name: 'offsets past the data (truncated)', bytes: () => fileBytes({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data8), error: /field "a": data_offsets \[0, 16\] run past the data area of 8 bytes/ },
  { name: 'byte size not matching shape × dtype', bytes: () => fileBytes({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 8] } }, data8), error: /field "a": holds 8 bytes but F16 \[2\] needs 4/ },
  {
    name: 'overlapping tensors',
    bytes: () => fileBytes({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8),
    error: /field "b": data_offsets \[4, 8\] overlap tensor "a"/,
  },
  { name: 'metadata value not a string', bytes: () => fileBytes({ __metadata__: { format: 1 }, ...ok }, data8), error: /__metadata__\["format"\] must be a string/ },
  { name: 'metadata not an object', bytes: () => fileBytes({ __metadata__: 'pt', ...ok }, data8), error: /__metadata__ must be an object/ },
  { name: 'unknown entry key', bytes: () => fileBytes({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8], extra: 1 } }, data8), error: /field "a": unknown header keys extra/ },
];

describe('SafetensorsReader.open on corrupt files', () => {
  it.each(CASES)('$name → a DataError naming the file', async ({ bytes, error }) => {
    await expect(openBytes(bytes())).rejects.toThrow(error);
    await expect(openBytes(bytes())).rejects.toThrow(/bad\.safetensors/);
  });

  it('accepts a valid header with metadata', async () => {
    const r = await openBytes(fileBytes({ __metadata__: { format: 'pt' }, ...ok }, new Uint8Array(new Float32Array([1.5, -2]).buffer)));
    try {
      expect(r.metadata()).toEqual({ format: 'pt' });
      expect(Array.from((await r.readFloat32('a')).values)).toEqual([1.5, -2]);
    } finally {
      await r.close();
    }
  });
});
