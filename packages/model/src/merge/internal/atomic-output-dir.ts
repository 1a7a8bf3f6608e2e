/**
 * Output directories appear whole or not at all: everything is written into a private sibling
 * directory, renamed into place only after the last file succeeded (same filesystem, so the
 * rename is atomic); any failure removes the private directory.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '@prefstream/core';

/**
 * Runs `fill(tmpDir)` and moves the result to `out`.
 * @throws DataError when `out` already exists (nothing is overwritten).
 */
export async function withAtomicOutputDir<T>(out: string, fill: (tmpDir: string) => Promise<T>): Promise<T> {
  const target = path.resolve(out);
  if (existsSync(target)) throw new DataError({ file: out, message: 'output directory already exists; choose a new path (nothing is overwritten)' });
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.partial-${process.pid}-${Date.now().toString(36)}`;
  await mkdir(tmp);
  try {
    const result = await fill(tmp);
    await rename(tmp, target);
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
