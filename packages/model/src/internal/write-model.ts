/**
 * Writes a model directory that `transformers` loads: config.json, generation_config.json and the
 * weights under their Hugging Face names, in the file layout ([out, in] for nn.Linear).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WeightSpec } from '../architectures/architecture.js';
import type { RawTensor, SafetensorsDtype } from '../safetensors/dtype.js';
import { float32ToRaw } from '../safetensors/half-float.js';
import { writeCheckpoint } from '../safetensors/write-checkpoint.js';
import { transpose2d } from './layout.js';

export interface WeightToSave {
  readonly spec: WeightSpec;
  /** Model layout. */
  readonly values: Float32Array;
  readonly dtype: SafetensorsDtype;
}

/** torch_dtype written to config.json for the dtype most weights have. */
const TORCH_DTYPE: Partial<Record<SafetensorsDtype, string>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64' };

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, file);
}

export async function writeModel(
  dir: string,
  args: { config: Record<string, unknown>; generationConfig: Record<string, unknown>; weights: readonly WeightToSave[]; maxShardBytes?: number },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tensors = new Map<string, RawTensor>();
  const dtypeCounts = new Map<SafetensorsDtype, number>();
  for (const { spec, values, dtype } of args.weights) {
    const fileValues = spec.transposed ? transpose2d(values, spec.hfShape[1]!, spec.hfShape[0]!) : values;
    tensors.set(spec.name, float32ToRaw(fileValues, spec.hfShape, dtype));
    dtypeCounts.set(dtype, (dtypeCounts.get(dtype) ?? 0) + 1);
  }
  const main = [...dtypeCounts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'F32';
  await writeCheckpoint(dir, tensors, args.maxShardBytes === undefined ? {} : { maxShardBytes: args.maxShardBytes });
  await writeJsonAtomic(path.join(dir, 'config.json'), { ...args.config, torch_dtype: TORCH_DTYPE[main] ?? 'float32' });
  await writeJsonAtomic(path.join(dir, 'generation_config.json'), args.generationConfig);
}
