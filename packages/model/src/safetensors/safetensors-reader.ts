/**
 * A lazy reader of one safetensors file: `open` reads and validates only the header; tensors are
 * read one at a time by name, so a caller that streams tensor by tensor holds one in memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { DataError } from '@prefstream/core';
import type { RawTensor } from './dtype.js';
import { rawToFloat32 } from './half-float.js';
import { parseHeaderLength, parseSafetensorsHeader, type SafetensorsHeader, type TensorInfo } from './parse-safetensors-header.js';

/** One open safetensors file; `close()` releases the file handle. */
export class SafetensorsReader {
  private closed = false;

  private constructor(
    /** The file path, as given to `open` (used in error messages). */
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly header: SafetensorsHeader,
  ) {}

  /**
   * Opens a file and validates its header.
   * @throws DataError naming the file (and tensor) when the header is corrupt or the file truncated.
   * @example
   * const r = await SafetensorsReader.open('model.safetensors');
   * try { for (const name of r.names()) console.log(name, r.info(name).shape); } finally { await r.close(); }
   */
  static async open(file: string): Promise<SafetensorsReader> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const prefix = new Uint8Array(Math.min(8, size));
      await readExactly(handle, prefix, 0, file);
      const n = parseHeaderLength(prefix, size, file);
      const json = new Uint8Array(n);
      await readExactly(handle, json, 8, file);
      const header = parseSafetensorsHeader(json, size - 8 - n, file);
      return new SafetensorsReader(file, handle, header);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Tensor names in data order. */
  names(): string[] {
    return [...this.header.tensors.keys()];
  }

  has(name: string): boolean {
    return this.header.tensors.has(name);
  }

  /** dtype, shape and byte range of a tensor, without reading it. */
  info(name: string): TensorInfo {
    const info = this.header.tensors.get(name);
    if (!info) throw new DataError({ file: this.file, field: name, message: 'no such tensor in this file' });
    return info;
  }

  /** The `__metadata__` string map (e.g. `{ format: 'pt' }`). */
  metadata(): Readonly<Record<string, string>> {
    return this.header.metadata;
  }

  /** Reads one tensor's bytes. */
  async read(name: string): Promise<RawTensor> {
    if (this.closed) throw new Error(`${this.file}: reader is closed`);
    const info = this.info(name);
    const data = new Uint8Array(info.end - info.begin);
    await readExactly(this.handle, data, this.header.dataStart + info.begin, this.file, name);
    return { dtype: info.dtype, shape: info.shape, data };
  }

  /** Reads one tensor converted to float32. */
  async readFloat32(name: string): Promise<{ shape: readonly number[]; values: Float32Array; dtype: RawTensor['dtype'] }> {
    const raw = await this.read(name);
    return { shape: raw.shape, values: rawToFloat32(raw), dtype: raw.dtype };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

async function readExactly(handle: FileHandle, into: Uint8Array, position: number, file: string, tensor?: string): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done);
    if (bytesRead === 0) {
      throw new DataError({ file, ...(tensor ? { field: tensor } : {}), message: `unexpected end of file at byte ${position + done}` });
    }
    done += bytesRead;
  }
}
