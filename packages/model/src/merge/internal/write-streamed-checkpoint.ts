/**
 * Writes a checkpoint whose tensors are produced chunk by chunk: the shard layout and every
 * header are planned up front from dtypes and shapes (known before any value is computed), then
 * each shard is written header first and its data appended as chunks arrive. Same file layout as
 * `writeCheckpoint` (transformers `save_pretrained`): `model.safetensors`, or
 * `model-0000i-of-0000N.safetensors` + `model.safetensors.index.json`.
 */
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INDEX_FILE, SINGLE_FILE } from '../../safetensors/checkpoint-reader.js';
import { DTYPE_BYTES, elementCount, type RawTensor, type SafetensorsDtype } from '../../safetensors/dtype.js';
import { encodeSafetensorsHeader } from '../../safetensors/write-safetensors.js';

/** One output tensor's layout. */
export interface PlannedTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

/** Produces a tensor's bytes in order; the writer checks that exactly `byteLength` arrive. */
export type TensorProducer = (tensor: PlannedTensor, write: (bytes: Uint8Array) => Promise<void>) => Promise<void>;

function byteLength(t: PlannedTensor): number {
  return elementCount(t.shape) * DTYPE_BYTES[t.dtype];
}

/** Groups tensors into shards in order, each under `maxBytes` unless one tensor alone is larger. */
function planShards(tensors: readonly PlannedTensor[], maxBytes: number): PlannedTensor[][] {
  const shards: PlannedTensor[][] = [];
  let cur: PlannedTensor[] = [];
  let size = 0;
  for (const t of tensors) {
    if (cur.length && size + byteLength(t) > maxBytes) {
      shards.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(t);
    size += byteLength(t);
  }
  if (cur.length || !shards.length) shards.push(cur);
  return shards;
}

/** The header of a shard, from layout only (`encodeSafetensorsHeader` reads lengths, not values). */
function shardHeader(shard: readonly PlannedTensor[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const layout = new Map<string, RawTensor>(shard.map((t) => [t.name, { dtype: t.dtype, shape: t.shape, data: { byteLength: byteLength(t) } as Uint8Array }]));
  return encodeSafetensorsHeader(layout, metadata);
}

/**
 * Writes every tensor into `dir` (an existing, private directory; the caller renames it into
 * place when everything succeeded).
 * @returns the files written and the bytes of tensor data.
 */
export async function writeStreamedCheckpoint(
  dir: string,
  tensors: readonly PlannedTensor[],
  produce: TensorProducer,
  options: { maxShardBytes: number; metadata?: Readonly<Record<string, string>> },
): Promise<{ files: string[]; bytes: number }> {
  const metadata = options.metadata ?? { format: 'pt' };
  const shards = planShards(tensors, options.maxShardBytes);
  const files: string[] = [];
  const weightMap: Record<string, string> = {};
  let total = 0;
  for (const [i, shard] of shards.entries()) {
    const name = shards.length === 1 ? SINGLE_FILE : `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
    const handle = await open(path.join(dir, name), 'w');
    try {
      const header = shardHeader(shard, metadata);
      const prefix = new Uint8Array(8);
      new DataView(prefix.buffer).setBigUint64(0, BigInt(header.byteLength), true);
      await handle.write(prefix);
      await handle.write(header);
      for (const t of shard) {
        const expected = byteLength(t);
        let written = 0;
        await produce(t, async (bytes) => {
          written += bytes.byteLength;
          if (written > expected) throw new Error(`tensor "${t.name}": produced more than its ${expected} bytes`);
          await handle.write(bytes);
        });
        if (written !== expected) throw new Error(`tensor "${t.name}": produced ${written} of its ${expected} bytes`);
        weightMap[t.name] = name;
        total += expected;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    files.push(name);
  }
  if (shards.length > 1) {
    await writeFile(path.join(dir, INDEX_FILE), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n');
    files.push(INDEX_FILE);
  }
  return { files, bytes: total };
}
