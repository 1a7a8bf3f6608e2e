/**
 * Ranged, lazy reads of a checkpoint directory's tensors: element ranges of one tensor at a time,
 * so a merge holds a bounded chunk per input whatever the size of the model or of one tensor.
 * Headers (index + every shard) are validated up front by `CheckpointReader`.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import { DataError } from '@prefstream/core';
import { CheckpointReader } from '../../safetensors/checkpoint-reader.js';
import { DTYPE_BYTES, type SafetensorsDtype } from '../../safetensors/dtype.js';
import { rawToFloat32 } from '../../safetensors/half-float.js';
import { parseHeaderLength } from '../../safetensors/parse-safetensors-header.js';
import { decodeBfloat16 } from './bfloat16-codec.js';

const LITTLE_ENDIAN = endianness() === 'LE';

/** dtype, shape and where the bytes are: `file`'s data area [begin, end). */
export interface SourceTensorInfo {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly file: string;
  readonly begin: number;
  readonly end: number;
}

interface OpenFile {
  readonly handle: FileHandle;
  /** 8 + header length: the data area's offset in the file. */
  readonly dataStart: number;
}

/** One opened checkpoint directory; `close()` releases its file handles. */
export class TensorSource {
  private constructor(
    /** The directory as given (used in messages). */
    readonly dir: string,
    private readonly infos: ReadonlyMap<string, SourceTensorInfo>,
    private readonly files: ReadonlyMap<string, OpenFile>,
    /** sha256 over every weight file's header (file name, length prefix and JSON), in file-name order. */
    readonly headerSha256: string,
  ) {}

  /** Opens `dir` (single `model.safetensors` or shards + index). @throws DataError naming the file. */
  static async open(dir: string): Promise<TensorSource> {
    const reader = await CheckpointReader.open(dir);
    const infos = new Map<string, SourceTensorInfo>();
    try {
      for (const name of reader.names()) {
        const i = await reader.info(name);
        infos.set(name, { dtype: i.dtype, shape: i.shape, file: i.file, begin: i.begin, end: i.end });
      }
    } finally {
      await reader.close();
    }
    const files = new Map<string, OpenFile>();
    const hash = createHash('sha256');
    try {
      for (const file of [...new Set([...infos.values()].map((i) => i.file))].sort()) {
        const handle = await open(file, 'r');
        files.set(file, { handle, dataStart: 0 });
        const { size } = await handle.stat();
        const prefix = await readAt(handle, 0, 8, file);
        const n = parseHeaderLength(prefix, size, file);
        hash.update(path.basename(file)).update(prefix).update(await readAt(handle, 8, n, file));
        files.set(file, { handle, dataStart: 8 + n });
      }
    } catch (err) {
      for (const f of files.values()) await f.handle.close();
      throw err;
    }
    return new TensorSource(dir, infos, files, hash.digest('hex'));
  }

  /** Tensor names in index / file order. */
  names(): string[] {
    return [...this.infos.keys()];
  }

  has(name: string): boolean {
    return this.infos.has(name);
  }

  info(name: string): SourceTensorInfo {
    const info = this.infos.get(name);
    if (!info) throw new DataError({ file: this.dir, field: name, message: 'no such tensor in this checkpoint' });
    return info;
  }

  /** Raw little-endian bytes [byteStart, byteStart + byteCount) of a tensor's data. */
  async readBytes(name: string, byteStart: number, byteCount: number): Promise<Uint8Array> {
    const info = this.info(name);
    if (byteStart < 0 || byteStart + byteCount > info.end - info.begin) {
      throw new RangeError(`${this.dir}: tensor "${name}": bytes [${byteStart}, ${byteStart + byteCount}) outside [0, ${info.end - info.begin})`);
    }
    const f = this.files.get(info.file)!;
    return readAt(f.handle, f.dataStart + info.begin + byteStart, byteCount, info.file, name);
  }

  /** Elements [start, start + count) of a tensor, converted to float32. */
  async readFloat32(name: string, start: number, count: number): Promise<Float32Array> {
    const info = this.info(name);
    const bytes = DTYPE_BYTES[info.dtype];
    const data = await this.readBytes(name, start * bytes, count * bytes);
    if (info.dtype === 'BF16' && LITTLE_ENDIAN) return decodeBfloat16(data); // fresh buffer: aligned
    return rawToFloat32({ dtype: info.dtype, shape: [count], data });
  }

  async close(): Promise<void> {
    for (const f of this.files.values()) await f.handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number, file: string, tensor?: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new DataError({ file, ...(tensor ? { field: tensor } : {}), message: `unexpected end of file at byte ${position + done}` });
    }
    done += bytesRead;
  }
  return out;
}
