import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from './command.js';
import { data } from './data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prefstream-cli-data-'));
});
afterEach(() => vi.restoreAllMocks());

const ROWS = Array.from({ length: 7 }, (_, i) => ({ prompt: `p${i}`, chosen: `c${i}`, rejected: `r${i}`, score: i / 2 }));

describe('prefstream data convert', () => {
  it('JSONL → Parquet → Arrow IPC → JSONL keeps every row, in small batches', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const jsonl = path.join(dir, 'in.jsonl');
    await writeFile(jsonl, ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const files = ['mid.parquet', 'mid.arrow', 'out.jsonl'].map((f) => path.join(dir, f));
    let from = jsonl;
    for (const to of files) {
      expect(await data.run(['convert', from, to, '--batch-rows', '3'])).toBe(0);
      from = to;
    }
    const back = (await readFile(files[2]!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as object);
    expect(back).toEqual(ROWS);
  });

  it('exits 1 naming the file when the extension is unknown', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await data.run(['convert', path.join(dir, 'in.jsonl'), path.join(dir, 'out.csv')])).toBe(1);
    expect(err.join('\n')).toMatch(/out\.csv.*extension \(known: /);
  });

  it('rejects an unknown subcommand with the valid ones', async () => {
    await expect(data.run(['convrt', 'a', 'b'])).rejects.toThrow(UsageError);
    await expect(data.run(['convrt', 'a', 'b'])).rejects.toThrow(/valid: convert/);
  });
});
