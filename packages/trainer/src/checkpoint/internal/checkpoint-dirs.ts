/**
 * Names of checkpoint directories: `checkpoint-<step>` (Hugging Face's naming) when complete,
 * `.checkpoint-<step>.tmp-<pid>-<time>` while being written. The temporary name never matches the
 * complete pattern, so a crash mid-write can't leave something that looks like a checkpoint.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const COMPLETE = /^checkpoint-(\d+)$/;

export function checkpointDirName(step: number): string {
  return `checkpoint-${step}`;
}

export function temporaryDirName(step: number): string {
  return `.checkpoint-${step}.tmp-${process.pid}-${Date.now()}`;
}

/** Complete-looking checkpoint directories in `runDir`, newest (highest step) first. */
export async function listCheckpointDirs(runDir: string): Promise<{ dir: string; step: number }[]> {
  let entries;
  try {
    entries = await readdir(runDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: { dir: string; step: number }[] = [];
  for (const entry of entries) {
    const match = entry.isDirectory() ? COMPLETE.exec(entry.name) : null;
    if (match) found.push({ dir: join(runDir, entry.name), step: Number(match[1]) });
  }
  return found.sort((a, b) => b.step - a.step);
}
