/**
 * Reads every weight an architecture needs from a checkpoint directory, checking names and shapes,
 * into float32 in the model's layout.
 */
import { DataError } from '@prefstream/core';
import type { Architecture, WeightSpec } from '../architectures/architecture.js';
import type { ModelConfig } from '../config/model-config.js';
import { CheckpointReader } from '../safetensors/checkpoint-reader.js';
import type { SafetensorsDtype } from '../safetensors/dtype.js';
import { internalShape, transpose2d } from './layout.js';

export interface LoadedWeight {
  readonly spec: WeightSpec;
  /** Model layout (see `WeightSpec.transposed`). */
  readonly values: Float32Array;
  readonly shape: number[];
  /** dtype in the file; `save` writes it back in this dtype by default. */
  readonly dtype: SafetensorsDtype;
}

export interface ReadWeightsOptions {
  /** Tolerate tensors the architecture does not use (e.g. a value head); default false. */
  ignoreUnexpected?: boolean;
}

/**
 * @throws DataError naming the file and tensor on a missing tensor, a wrong shape or an
 * unexpected tensor.
 */
export async function readWeights(dir: string, config: ModelConfig, arch: Architecture, options: ReadWeightsOptions = {}): Promise<LoadedWeight[]> {
  const reader = await CheckpointReader.open(dir);
  try {
    const byName = new Map<string, string>(); // our name → name in the file
    for (const fileName of reader.names()) {
      if (arch.ignoredTensors.test(fileName)) continue;
      byName.set(arch.canonicalName(fileName), fileName);
    }
    const specs = arch.weightSpecs(config);
    const wanted = new Set(specs.map((s) => s.name));
    // A tied head may still be stored (some exporters write it): it is the embedding, skip it.
    if (config.tieWordEmbeddings) byName.delete('lm_head.weight');
    const unexpected = [...byName].filter(([n]) => !wanted.has(n)).map(([, fileName]) => fileName);
    if (unexpected.length && !options.ignoreUnexpected) {
      throw new DataError({
        file: dir,
        message: `checkpoint has tensors a ${config.architecture} model with this config.json does not use: ${unexpected.slice(0, 10).join(', ')}${unexpected.length > 10 ? ', …' : ''} (pass ignoreUnexpected to skip them)`,
      });
    }
    const out: LoadedWeight[] = [];
    for (const spec of specs) {
      const fileName = byName.get(spec.name);
      if (fileName === undefined) {
        throw new DataError({ file: dir, field: spec.name, message: `tensor missing from the checkpoint (expected shape [${spec.hfShape.join(', ')}])` });
      }
      const { shape, values, dtype } = await reader.readFloat32(fileName);
      if (shape.length !== spec.hfShape.length || shape.some((d, i) => d !== spec.hfShape[i])) {
        const info = await reader.info(fileName);
        throw new DataError({
          file: info.file,
          field: fileName,
          message: `shape [${shape.join(', ')}] does not match config.json, which implies [${spec.hfShape.join(', ')}]`,
        });
      }
      const modelValues = spec.transposed ? transpose2d(values, spec.hfShape[0]!, spec.hfShape[1]!) : values;
      out.push({ spec, values: modelValues, shape: internalShape(spec.hfShape, spec.transposed), dtype });
    }
    return out;
  } finally {
    await reader.close();
  }
}
