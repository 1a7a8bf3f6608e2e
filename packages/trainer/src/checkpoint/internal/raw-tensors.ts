/** Named tensors ↔ safetensors' raw tensors (float32 as F32, int32 as I32, bytes copied once). */
import { tf, type NamedTensorMap } from '@prefstream/core';
import { float32ToRaw, type RawTensor } from '@prefstream/model';

/** @borrows `tensors`; reads them to host memory. */
export async function toRawTensors(tensors: NamedTensorMap): Promise<Map<string, RawTensor>> {
  const out = new Map<string, RawTensor>();
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    if (t.dtype === 'float32') out.set(name, float32ToRaw((await t.data()) as Float32Array, t.shape, 'F32'));
    else if (t.dtype === 'int32') {
      const values = (await t.data()) as Int32Array;
      out.set(name, { dtype: 'I32', shape: [...t.shape], data: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) });
    } else throw new Error(`tensor "${name}" is ${t.dtype}; checkpoints hold float32 and int32 only`);
  }
  return out;
}

/** @owns the returned tensor. */
export function fromRawTensor(raw: RawTensor, name: string, file: string): tf.Tensor {
  const shape = [...raw.shape];
  const bytes = raw.data.slice(); // aligned copy
  if (raw.dtype === 'F32') return tf.tensor(new Float32Array(bytes.buffer), shape, 'float32');
  if (raw.dtype === 'I32') return tf.tensor(new Int32Array(bytes.buffer), shape, 'int32');
  throw new Error(`${file}: tensor "${name}" is ${raw.dtype}; expected F32 or I32`);
}
