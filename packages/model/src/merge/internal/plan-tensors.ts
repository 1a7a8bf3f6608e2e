/**
 * Decides, tensor by tensor, how each output tensor is made — before a single value is read — and
 * refuses missing tensors, extra tensors and shape mismatches with the file and tensor named.
 * The reference input fixes the output's tensor list, order and (by default) dtypes.
 */
import { DataError } from '@prefstream/core';
import type { SafetensorsDtype } from '../../safetensors/dtype.js';
import type { ModelIdentity } from './model-identity.js';
import type { CombineChunk, OutputTensor } from './tensor-recipe.js';
import type { TensorSource } from './tensor-source.js';
import { tiedAliases } from './tied-embeddings.js';

/** An opened input checkpoint. */
export interface Operand {
  readonly identity: ModelIdentity;
  readonly source: TensorSource;
}

/** The dtypes arithmetic applies to; integer and boolean buffers are never combined. */
const FLOAT_DTYPES: ReadonlySet<SafetensorsDtype> = new Set(['F32', 'F16', 'BF16', 'F64']);

export interface PlanOptions {
  readonly reference: Operand;
  /** Inputs of every computed tensor, in the order `combine` receives their chunks. */
  readonly operands: readonly Operand[];
  readonly combine: CombineChunk;
  /** Whether a (canonical) tensor name takes part; others are copied from the reference unchanged. */
  readonly include?: (name: string) => boolean;
  /** Output dtype of computed tensors (default: the reference's dtype of that tensor). */
  readonly dtype?: SafetensorsDtype;
  /** What to do with integer / boolean tensors of the reference: copy them, or leave them out. */
  readonly nonFloat: 'copy' | 'omit';
}

export interface TensorPlan {
  readonly outputs: OutputTensor[];
  readonly computed: number;
  readonly skippedByMask: number;
  readonly copiedNonFloat: number;
  readonly omittedNonFloat: number;
  /** head → embedding aliases that were resolved (tied embeddings). */
  readonly tied: ReadonlyMap<string, string>;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** @throws DataError naming the directory and tensor for a missing, extra or mis-shaped tensor. */
export function planTensors(o: PlanOptions): TensorPlan {
  const ref = o.reference.source;
  const all = new Set(o.operands.flatMap((x) => x.source.names()).concat(ref.names()));
  const tied = tiedAliases(o.reference.identity.config, all);
  const refNames = new Set(ref.names());
  for (const x of o.operands) {
    for (const name of x.source.names()) {
      if (refNames.has(name) || tied.has(name) || !FLOAT_DTYPES.has(x.source.info(name).dtype)) continue;
      throw new DataError({ file: x.source.dir, field: name, message: `tensor is not in ${ref.dir}; the checkpoints do not have the same parameters` });
    }
  }
  const outputs: OutputTensor[] = [];
  let computed = 0;
  let skippedByMask = 0;
  let copiedNonFloat = 0;
  let omittedNonFloat = 0;
  for (const name of ref.names()) {
    const info = ref.info(name);
    if (!FLOAT_DTYPES.has(info.dtype)) {
      if (o.nonFloat === 'omit') omittedNonFloat++;
      else {
        outputs.push({ name, dtype: info.dtype, shape: info.shape, recipe: { kind: 'copy', source: ref, name } });
        copiedNonFloat++;
      }
      continue;
    }
    // A stored tied head is made from the embedding's inputs: the one parameter changes once.
    const src = tied.get(name) ?? name;
    if (o.include && !o.include(src)) {
      outputs.push({ name, dtype: info.dtype, shape: info.shape, recipe: { kind: 'copy', source: ref, name } });
      skippedByMask++;
      continue;
    }
    const sources = o.operands.map((x) => {
      const s = x.source;
      if (!s.has(src)) throw new DataError({ file: s.dir, field: src, message: `missing tensor (${ref.dir} has it${src === name ? '' : ` as the tied head ${name}`})` });
      const si = s.info(src);
      if (!FLOAT_DTYPES.has(si.dtype)) throw new DataError({ file: s.dir, field: src, message: `dtype ${si.dtype} is not a floating type; cannot combine` });
      if (!sameShape(si.shape, info.shape)) {
        throw new DataError({ file: s.dir, field: src, message: `shape [${si.shape.join(', ')}] differs from [${info.shape.join(', ')}] in ${ref.dir}` });
      }
      return { source: s, name: src };
    });
    outputs.push({ name, dtype: o.dtype ?? info.dtype, shape: info.shape, recipe: { kind: 'compute', sources, combine: o.combine } });
    computed++;
  }
  return { outputs, computed, skippedByMask, copiedNonFloat, omittedNonFloat, tied };
}
