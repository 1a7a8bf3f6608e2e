/**
 * On-disk cache of reference log-probs, one Arrow IPC file per batch under
 * `<dir>/<batch key>.arrow`. The batch key is a content hash of the model key (reference weights
 * fingerprint, tokenizer fingerprint, template, packing) and every row's prompt and completion ids,
 * so a changed reference or tokenization can never hit a stale file. The key is also stored in the
 * file's schema metadata and checked on read. Writes are atomic: a temp file, then rename.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { float32Vector, makeBatch } from '@prefstream/core';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';

const KEY_FIELD = 'prefstream.cache_key';

/** sha256 hex of a JSON-able description (the model part of the key). */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** sha256 of the model key and every row's token id lists (lengths included, so no ambiguity). */
export function batchKey(modelKey: string, columns: readonly (readonly Int32Array[])[]): string {
  const hash = createHash('sha256').update(modelKey);
  const header = new Int32Array(2);
  columns.forEach((rows, c) => {
    for (const ids of rows) {
      header[0] = c;
      header[1] = ids.length;
      hash.update(new Uint8Array(header.buffer));
      hash.update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
    }
  });
  return hash.digest('hex');
}

export function cacheFile(dir: string, key: string): string {
  return path.join(dir, `${key}.arrow`);
}

/**
 * The cached columns, or undefined when the file is absent, unreadable, or does not match
 * `key`, `rows` and `names` (then the caller recomputes and overwrites it).
 */
export async function readCache(file: string, key: string, rows: number, names: readonly string[]): Promise<Record<string, Float32Array> | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    const table = tableFromIPC(bytes);
    if (table.schema.metadata.get(KEY_FIELD) !== key || table.numRows !== rows) return undefined;
    const out: Record<string, Float32Array> = {};
    for (const name of names) {
      const column = table.getChild(name);
      if (!column) return undefined;
      out[name] = Float32Array.from(column.toArray() as Float32Array);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Writes the columns under `key` atomically (temp file in the same directory + rename). */
export async function writeCache(file: string, key: string, columns: Readonly<Record<string, Float32Array>>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const batch = makeBatch(Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, float32Vector(values)])));
  const table = new Table(batch);
  table.schema.metadata.set(KEY_FIELD, key);
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, tableToIPC(table, 'file'));
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
