/**
 * Writes one safetensors file atomically: to a temporary sibling, then `rename`, so a reader never
 * sees a half-written file and a crash leaves the old file intact.
 */
import { open, rename, rm } from 'node:fs/promises';
import { DTYPE_BYTES, elementCount, type RawTensor } from './dtype.js';

/**
 * The serialized header and the data offsets, in the order the tensors are given.
 * The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
 */
export function encodeSafetensorsHeader(tensors: ReadonlyMap<string, RawTensor>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    if (t.data.byteLength !== bytes) {
      throw new Error(`tensor "${name}": ${t.data.byteLength} bytes but ${t.dtype} [${t.shape.join(', ')}] needs ${bytes}`);
    }
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.byteLength / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

/**
 * Writes `tensors` (in map order) to `file`.
 * @example
 * await writeSafetensors('out.safetensors', new Map([['w', float32ToRaw(new Float32Array([1, 2]), [2], 'F32')]]), { format: 'pt' });
 */
export async function writeSafetensors(
  file: string,
  tensors: ReadonlyMap<string, RawTensor>,
  metadata: Readonly<Record<string, string>> = { format: 'pt' },
): Promise<void> {
  const header = encodeSafetensorsHeader(tensors, metadata);
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const handle = await open(tmp, 'w');
  try {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.byteLength), true);
    await handle.write(prefix);
    await handle.write(header);
    for (const t of tensors.values()) if (t.data.byteLength) await handle.write(t.data);
    await handle.sync();
    await handle.close();
    await rename(tmp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}
