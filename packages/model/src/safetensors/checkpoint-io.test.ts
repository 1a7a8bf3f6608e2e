import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointReader, INDEX_FILE } from './checkpoint-reader.js';
import type { RawTensor } from './dtype.js';
import { float32ToRaw } from './half-float.js';
import { SafetensorsReader } from './safetensors-reader.js';
import { writeCheckpoint } from './write-checkpoint.js';
import { writeSafetensors } from './write-safetensors.js';

const tmp = () => mkdtemp(path.join(tmpdir(), 'ckpt-'));

function tensors(): Map<string, RawTensor> {
  return new Map<string, RawTensor>([
    ['a.weight', float32ToRaw(Float32Array.from({ length: 12 }, (_, i) => i / 4), [3, 4], 'F32')],
    ['b.weight', float32ToRaw(Float32Array.from({ length: 6 }, (_, i) => -i), [6], 'BF16')],
    ['c.bias', float32ToRaw(Float32Array.from([0.5, 1.5]), [2], 'F16')],
    ['d.ids', { dtype: 'I64', shape: [2], data: new Uint8Array(new BigInt64Array([7n, -1n]).buffer) }],
  ]);
}

describe('writeSafetensors + SafetensorsReader', () => {
  it('round trips names, dtypes, shapes, bytes and metadata; reads one tensor by name', async () => {
    const file = path.join(await tmp(), 'x.safetensors');
    const t = tensors();
    await writeSafetensors(file, t, { format: 'pt', note: 'hi' });
    const r = await SafetensorsReader.open(file);
    try {
      expect(r.names()).toEqual([...t.keys()]);
      expect(r.metadata()).toEqual({ format: 'pt', note: 'hi' });
      for (const [name, raw] of t) {
        const got = await r.read(name);
        expect([got.dtype, got.shape]).toEqual([raw.dtype, raw.shape]);
        expect(Buffer.from(got.data).equals(Buffer.from(raw.data))).toBe(true);
      }
      expect(Array.from((await r.readFloat32('d.ids')).values)).toEqual([7, -1]);
      await expect(r.read('nope')).rejects.toThrow(/x\.safetensors, field "nope": no such tensor/);
    } finally {
      await r.close();
    }
    // The header is padded to 8 bytes, as the reference writer does.
    const bytes = await readFile(file);
    expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0);
    expect((await readdir(path.dirname(file))).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a truncated file fails at open, naming the file and the tensor', async () => {
    const file = path.join(await tmp(), 'cut.safetensors');
    await writeSafetensors(file, tensors());
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.byteLength - 3));
    await expect(SafetensorsReader.open(file)).rejects.toThrow(/cut\.safetensors, field "d\.ids": data_offsets .* run past the data area/);
  });
});

describe('writeCheckpoint + CheckpointReader', () => {
  it('shards above maxShardBytes with an index, reads back, and removes stale files when resaved whole', async () => {
    const dir = await tmp();
    const t = tensors();
    const files = await writeCheckpoint(dir, t, { maxShardBytes: 48 });
    expect(files).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', INDEX_FILE]);
    const index = JSON.parse(await readFile(path.join(dir, INDEX_FILE), 'utf8'));
    expect(index.metadata.total_size).toBe(48 + 12 + 4 + 16);
    expect(index.weight_map['c.bias']).toBe('model-00002-of-00002.safetensors');
    const r = await CheckpointReader.open(dir);
    try {
      expect(r.names().sort()).toEqual([...t.keys()].sort());
      for (const [name, raw] of t) expect(Buffer.from((await r.read(name)).data).equals(Buffer.from(raw.data))).toBe(true);
    } finally {
      await r.close();
    }
    await writeCheckpoint(dir, t);
    expect((await readdir(dir)).sort()).toEqual(['model.safetensors']);
  });

  it('names the index and the tensor when a shard lacks a listed tensor, or the index is malformed', async () => {
    const dir = await tmp();
    await writeCheckpoint(dir, tensors(), { maxShardBytes: 48 });
    const index = JSON.parse(await readFile(path.join(dir, INDEX_FILE), 'utf8'));
    index.weight_map['ghost.weight'] = 'model-00001-of-00002.safetensors';
    await writeFile(path.join(dir, INDEX_FILE), JSON.stringify(index));
    await expect(CheckpointReader.open(dir)).rejects.toThrow(/model-00001-of-00002\.safetensors, field "ghost\.weight": tensor listed in model\.safetensors\.index\.json is missing/);
    index.weight_map['ghost.weight'] = '../escape.safetensors';
    await writeFile(path.join(dir, INDEX_FILE), JSON.stringify(index));
    await expect(CheckpointReader.open(dir)).rejects.toThrow(/field "weight_map\.ghost\.weight": shard must be a plain file name/);
    await expect(CheckpointReader.open(await tmp())).rejects.toThrow(/no model\.safetensors or model\.safetensors\.index\.json/);
  });
});
