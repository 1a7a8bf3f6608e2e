/**
 * Reads the weights of a Hugging Face model directory: `model.safetensors`, or the shards named
 * by `model.safetensors.index.json` (`{ metadata, weight_map: { tensor: shard file } }`), opening
 * each shard lazily and reading one tensor at a time.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '@prefstream/core';
import type { RawTensor } from './dtype.js';
import { SafetensorsReader } from './safetensors-reader.js';
import type { TensorInfo } from './parse-safetensors-header.js';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

/**
 * The weights of a model directory, one tensor at a time; `close()` releases every open shard.
 * @example
 * const r = await CheckpointReader.open('runs/policy');
 * try { for (const name of r.names()) await r.readFloat32(name); } finally { await r.close(); }
 */
export class CheckpointReader {
  private readonly open = new Map<string, Promise<SafetensorsReader>>();

  private constructor(
    readonly dir: string,
    /** tensor name → shard file name (relative to `dir`). */
    private readonly weightMap: ReadonlyMap<string, string>,
    first?: SafetensorsReader,
  ) {
    if (first) this.open.set(path.basename(first.file), Promise.resolve(first));
  }

  /**
   * Opens a model directory; validates the index and every shard header up front.
   * @throws DataError naming the file when no weights are found or a file is corrupt.
   */
  static async open(dir: string): Promise<CheckpointReader> {
    const indexPath = path.join(dir, INDEX_FILE);
    if (existsSync(indexPath)) {
      const weightMap = parseIndex(await readFile(indexPath, 'utf8'), indexPath);
      const reader = new CheckpointReader(dir, weightMap);
      for (const [name, shard] of weightMap) {
        const r = await reader.shard(shard);
        if (!r.has(name)) throw new DataError({ file: r.file, field: name, message: `tensor listed in ${INDEX_FILE} is missing from its shard` });
      }
      return reader;
    }
    const single = path.join(dir, SINGLE_FILE);
    if (!existsSync(single)) throw new DataError({ file: dir, message: `no ${SINGLE_FILE} or ${INDEX_FILE} in this directory` });
    const r = await SafetensorsReader.open(single);
    return new CheckpointReader(dir, new Map(r.names().map((n) => [n, SINGLE_FILE])), r);
  }

  /** All tensor names, in index / file order. */
  names(): string[] {
    return [...this.weightMap.keys()];
  }

  has(name: string): boolean {
    return this.weightMap.has(name);
  }

  async info(name: string): Promise<TensorInfo & { file: string }> {
    const r = await this.readerFor(name);
    return { ...r.info(name), file: r.file };
  }

  async read(name: string): Promise<RawTensor> {
    return (await this.readerFor(name)).read(name);
  }

  async readFloat32(name: string): Promise<{ shape: readonly number[]; values: Float32Array; dtype: RawTensor['dtype'] }> {
    return (await this.readerFor(name)).readFloat32(name);
  }

  async close(): Promise<void> {
    const readers = await Promise.allSettled(this.open.values());
    this.open.clear();
    for (const r of readers) if (r.status === 'fulfilled') await r.value.close();
  }

  private async readerFor(name: string): Promise<SafetensorsReader> {
    const shard = this.weightMap.get(name);
    if (shard === undefined) throw new DataError({ file: this.dir, field: name, message: 'no such tensor in this checkpoint' });
    return this.shard(shard);
  }

  private shard(file: string): Promise<SafetensorsReader> {
    let r = this.open.get(file);
    if (!r) {
      r = SafetensorsReader.open(path.join(this.dir, file));
      this.open.set(file, r);
    }
    return r;
  }
}

function parseIndex(text: string, file: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError({ file, message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new DataError({ file, field: 'weight_map', message: 'must be an object of tensor name → shard file' });
  }
  const out = new Map<string, string>();
  for (const [name, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\') || shard.startsWith('.')) {
      throw new DataError({ file, field: `weight_map.${name}`, message: `shard must be a plain file name in the same directory, got ${JSON.stringify(shard)}` });
    }
    out.set(name, shard);
  }
  return out;
}
