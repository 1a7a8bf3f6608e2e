import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArrowIpc } from '../sinks/write-arrow-ipc.js';
import { fromRows } from './from-rows.js';
import { readDataset } from './read-dataset.js';

// Open file descriptors of this process (Linux); the test is skipped where /proc is absent.
const openFds = () => readdirSync('/proc/self/fd').length;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prefstream-teardown-'));
  // More rows than one 64 KiB read block and one 1024-row chunk, so the file is still open after the first batch.
  const rows = Array.from({ length: 3000 }, (_, i) => ({ prompt: `q${i}`.padEnd(40, '.'), chosen: 'a', rejected: 'b' }));
  await writeFile(join(dir, 'pairs.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  await writeArrowIpc(join(dir, 'pairs.arrows'), fromRows(rows, { batchRows: 500 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync('/proc/self/fd'))('source teardown', () => {
  it.each(['pairs.jsonl', 'pairs.arrows'])('closes %s when the consumer stops early', async (name) => {
    const before = openFds();
    const source = readDataset(join(dir, name), { batchRows: 5 });
    const first = await source.next();
    expect(first.done).toBe(false);
    expect(openFds()).toBe(before + 1);
    await source.return(undefined);
    expect(openFds()).toBe(before);
  });
});
