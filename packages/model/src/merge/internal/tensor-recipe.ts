/**
 * How each output tensor is made, and the producer that streams it chunk by chunk: a `copy`
 * moves raw bytes (bit-exact), a `compute` reads the same element range of every source as
 * float32, combines them, and encodes the result in the output dtype.
 */
import { endianness } from 'node:os';
import { DTYPE_BYTES, elementCount } from '../../safetensors/dtype.js';
import { float32ToRaw } from '../../safetensors/half-float.js';
import { encodeBfloat16 } from './bfloat16-codec.js';
import type { TensorSource } from './tensor-source.js';
import type { PlannedTensor, TensorProducer } from './write-streamed-checkpoint.js';

/** Elements per chunk: 1 Mi elements = 4 MB of float32 per input, whatever the tensor's size. */
export const CHUNK_ELEMENTS = 1 << 20;

/** One element range of every source → the output values (may reuse an input array). */
export type CombineChunk = (inputs: Float32Array[]) => Float32Array;

export type TensorRecipe =
  | { readonly kind: 'copy'; readonly source: TensorSource; readonly name: string }
  | { readonly kind: 'compute'; readonly sources: readonly { readonly source: TensorSource; readonly name: string }[]; readonly combine: CombineChunk };

/** An output tensor: its layout and how to make it. */
export interface OutputTensor extends PlannedTensor {
  readonly recipe: TensorRecipe;
}

const LITTLE_ENDIAN = endianness() === 'LE';

function encode(values: Float32Array, dtype: PlannedTensor['dtype']): Uint8Array {
  // Float32Array memory already is little-endian F32 on LE hosts: no per-element conversion.
  if (dtype === 'F32' && LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (dtype === 'BF16' && LITTLE_ENDIAN) return encodeBfloat16(values);
  return float32ToRaw(values, [values.length], dtype).data;
}

/** A producer for `writeStreamedCheckpoint` that follows each tensor's recipe. */
export function recipeProducer(recipes: ReadonlyMap<string, TensorRecipe>, chunkElements = CHUNK_ELEMENTS): TensorProducer {
  return async (tensor, write) => {
    const recipe = recipes.get(tensor.name)!;
    const n = elementCount(tensor.shape);
    if (recipe.kind === 'copy') {
      const step = chunkElements * DTYPE_BYTES[tensor.dtype];
      const total = n * DTYPE_BYTES[tensor.dtype];
      for (let at = 0; at < total; at += step) await write(await recipe.source.readBytes(recipe.name, at, Math.min(step, total - at)));
      return;
    }
    for (let at = 0; at < n; at += chunkElements) {
      const count = Math.min(chunkElements, n - at);
      const inputs: Float32Array[] = [];
      for (const s of recipe.sources) inputs.push(await s.source.readFloat32(s.name, at, count)); // sequential: one chunk read at a time
      await write(encode(recipe.combine(inputs), tensor.dtype));
    }
  };
}
