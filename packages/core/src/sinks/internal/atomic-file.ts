/**
 * Output written to `<path>.tmp-<pid>` and renamed onto `path` only when complete, so a reader
 * never sees a half-written file as if it were whole; on failure the temp file is removed.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';

export interface AtomicFile {
  readonly handle: FileHandle;
  readonly tempPath: string;
  /** Closes and renames onto the final path. */
  commit(): Promise<void>;
  /** Closes and removes the temp file (never throws: the original error matters more). */
  abort(): Promise<void>;
}

export async function openAtomic(path: string): Promise<AtomicFile> {
  const tempPath = `${path}.tmp-${process.pid}`;
  const handle = await open(tempPath, 'w');
  return {
    handle,
    tempPath,
    async commit() {
      await handle.close();
      await rename(tempPath, path);
    },
    async abort() {
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true }).catch(() => undefined);
    },
  };
}
