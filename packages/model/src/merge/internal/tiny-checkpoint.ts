/** Test support: tiny checkpoint directories written with the package's own safetensors writer. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RawTensor, SafetensorsDtype } from '../../safetensors/dtype.js';
import { float32ToRaw, rawToFloat32 } from '../../safetensors/half-float.js';
import { writeCheckpoint } from '../../safetensors/write-checkpoint.js';
import { CheckpointReader } from '../../safetensors/checkpoint-reader.js';

export interface TinyTensor {
  readonly values: readonly number[];
  readonly shape?: readonly number[];
  readonly dtype?: SafetensorsDtype;
}

/** A small llama-like config (unknown to nobody: parsed by the llama parser). */
export const TINY_CONFIG = { model_type: 'llama', vocab_size: 4, hidden_size: 2, num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: 4, tie_word_embeddings: false };

/** Writes `dir` with config.json, optional extra files and the given tensors. */
export async function writeTinyCheckpoint(
  dir: string,
  tensors: Record<string, TinyTensor>,
  options: { config?: Record<string, unknown>; files?: Record<string, string>; maxShardBytes?: number } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(options.config ?? TINY_CONFIG));
  for (const [name, text] of Object.entries(options.files ?? {})) await writeFile(path.join(dir, name), text);
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of Object.entries(tensors)) {
    const dtype = t.dtype ?? 'F32';
    const shape = t.shape ?? [t.values.length];
    if (dtype === 'I64' || dtype === 'I32') {
      const data = new Uint8Array(t.values.length * (dtype === 'I64' ? 8 : 4));
      const v = new DataView(data.buffer);
      t.values.forEach((x, i) => (dtype === 'I64' ? v.setBigInt64(8 * i, BigInt(x), true) : v.setInt32(4 * i, x, true)));
      raw.set(name, { dtype, shape, data });
    } else raw.set(name, float32ToRaw(new Float32Array(t.values), shape, dtype));
  }
  await writeCheckpoint(dir, raw, options.maxShardBytes ? { maxShardBytes: options.maxShardBytes } : {});
  return dir;
}

/** Every tensor of a directory as { dtype, shape, values (float32 as numbers) }. */
export async function readTinyCheckpoint(dir: string): Promise<Record<string, { dtype: string; shape: number[]; values: number[] }>> {
  const r = await CheckpointReader.open(dir);
  try {
    const out: Record<string, { dtype: string; shape: number[]; values: number[] }> = {};
    for (const name of r.names()) {
      const t = await r.read(name);
      out[name] = { dtype: t.dtype, shape: [...t.shape], values: [...rawToFloat32(t)] };
    }
    return out;
  } finally {
    await r.close();
  }
}
