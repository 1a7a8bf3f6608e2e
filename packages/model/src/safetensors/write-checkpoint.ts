/**
 * Writes model weights as Hugging Face does: one `model.safetensors`, or — when they exceed
 * `maxShardBytes` — shards `model-00001-of-0000N.safetensors` plus `model.safetensors.index.json`
 * (transformers `save_pretrained(max_shard_size=…)` layout). Every file is written atomically.
 */
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RawTensor } from './dtype.js';
import { INDEX_FILE, SINGLE_FILE } from './checkpoint-reader.js';
import { writeSafetensors } from './write-safetensors.js';

export interface WriteCheckpointOptions {
  /** Start a new shard before a file would exceed this many bytes (default 5 GB, HF's default). */
  maxShardBytes?: number;
  metadata?: Readonly<Record<string, string>>;
}

const SHARD_RE = /^model-\d{5}-of-\d{5}\.safetensors$/;

/** Groups tensors into shards in order, each under `maxBytes` unless a single tensor is larger. */
function planShards(tensors: ReadonlyMap<string, RawTensor>, maxBytes: number): Map<string, RawTensor>[] {
  const shards: Map<string, RawTensor>[] = [];
  let cur = new Map<string, RawTensor>();
  let size = 0;
  for (const [name, t] of tensors) {
    if (cur.size && size + t.data.byteLength > maxBytes) {
      shards.push(cur);
      cur = new Map();
      size = 0;
    }
    cur.set(name, t);
    size += t.data.byteLength;
  }
  if (cur.size || !shards.length) shards.push(cur);
  return shards;
}

/**
 * Writes `tensors` into `dir` (which must exist) and removes weight files of an earlier save that
 * the new layout does not use, so the directory never mixes two checkpoints.
 * @example
 * await writeCheckpoint('out', tensors, { maxShardBytes: 2_000_000_000 });
 */
export async function writeCheckpoint(dir: string, tensors: ReadonlyMap<string, RawTensor>, options: WriteCheckpointOptions = {}): Promise<string[]> {
  const metadata = options.metadata ?? { format: 'pt' };
  const shards = planShards(tensors, options.maxShardBytes ?? 5_000_000_000);
  const written: string[] = [];
  if (shards.length === 1) {
    await writeSafetensors(path.join(dir, SINGLE_FILE), shards[0]!, metadata);
    written.push(SINGLE_FILE);
  } else {
    const weightMap: Record<string, string> = {};
    let total = 0;
    for (const [i, shard] of shards.entries()) {
      const name = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
      await writeSafetensors(path.join(dir, name), shard, metadata);
      for (const [t, raw] of shard) {
        weightMap[t] = name;
        total += raw.data.byteLength;
      }
      written.push(name);
    }
    const tmp = path.join(dir, `${INDEX_FILE}.tmp-${process.pid}`);
    await writeFile(tmp, JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n');
    await rename(tmp, path.join(dir, INDEX_FILE));
    written.push(INDEX_FILE);
  }
  for (const f of await readdir(dir)) {
    const stale = (f === SINGLE_FILE || f === INDEX_FILE || SHARD_RE.test(f)) && !written.includes(f);
    if (stale) await rm(path.join(dir, f), { force: true });
  }
  return written;
}
