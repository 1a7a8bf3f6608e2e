import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float32, Utf8, vectorFromArray } from 'apache-arrow';
import { from } from 'rxjs';
import { makeBatch } from '../batch/columns.js';
import { utf8Vector } from '../batch/vectors.js';
import { DataError } from '../errors/data-error.js';
import { ConfigError } from '../errors/config-error.js';
import { writeParquet } from '../sinks/write-parquet.js';
import { writeArrowIpc } from '../sinks/write-arrow-ipc.js';
import { fromRows } from './from-rows.js';
import { readParquet } from './read-parquet.js';
import { readArrowIpc } from './read-arrow-ipc.js';
import { readDataset } from './read-dataset.js';
import { collect } from '../test-support/collect.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prefstream-columnar-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const prompts = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `q${i}`, chosen: `a${i}` }));

describe('columnar sources: bad input', () => {
  it('Parquet: names file and column of a missing required column', async () => {
    const path = join(dir, 'pairs.parquet');
    await writeParquet(path, fromRows(prompts(3)));
    const read = () => collect(readParquet(path, { columns: ['prompt', 'chosen', 'rejected'] }));
    await expect(read()).rejects.toThrow(DataError);
    await expect(read()).rejects.toThrow(`${path}, field "rejected": missing required column (file has: prompt, chosen)`);
  });

  it('Parquet: names file, row and column of a value of the wrong type', async () => {
    const path = join(dir, 'typed.parquet');
    const rows = Array.from({ length: 5 }, (_, i) => ({ prompt_id: 'p', reward: String(i) }));
    await writeParquet(path, fromRows(rows, { columns: { prompt_id: new Utf8(), reward: new Utf8() } }), { rowGroupRows: 2 });
    await expect(collect(readParquet(path, { columns: ['prompt_id', 'reward'] }))).rejects.toThrow(`${path}, row 0, field "reward": expected a number, got a string "0"`);
    const holes = join(dir, 'holes.parquet');
    const batch = makeBatch({ prompt_id: utf8Vector(['a', 'b', 'c', 'd']), reward: vectorFromArray([1, 2, null, 4], new Float32()) });
    await writeParquet(holes, from([batch]), { rowGroupRows: 2 });
    await expect(collect(readParquet(holes, { columns: ['prompt_id', 'reward'] }))).rejects.toThrow(`${holes}, row 2, field "reward": null value`);
  });

  it('Parquet: names an empty file and a file that is not Parquet', async () => {
    const empty = join(dir, 'empty.parquet');
    await writeFile(empty, '');
    await expect(collect(readParquet(empty))).rejects.toThrow(`${empty}: empty file`);
    const junk = join(dir, 'junk.parquet');
    await writeFile(junk, 'not parquet at all, just text');
    await expect(collect(readParquet(junk))).rejects.toThrow(`${junk}: not a readable Parquet file`);
  });

  it('Parquet: reads row groups lazily and skips whole groups', async () => {
    const path = join(dir, 'groups.parquet');
    await writeParquet(path, fromRows(prompts(10), { batchRows: 5 }), { rowGroupRows: 4 });
    const batches = await collect(readParquet(path, { batchRows: 3, skip: 5 }));
    expect(batches.map((b) => b.numRows)).toEqual([3, 2]);
    expect(batches[0]!.getChild('prompt')!.get(0)).toBe('q5');
  });

  it('Arrow IPC: names file and column of a missing or mistyped column, and an empty file', async () => {
    const path = join(dir, 'pairs.arrow');
    await writeArrowIpc(path, fromRows(prompts(3)));
    await expect(collect(readArrowIpc(path, { columns: ['prompt', 'rejected'] }))).rejects.toThrow(`${path}, field "rejected": missing required column (file has: prompt, chosen)`);
    await expect(collect(readArrowIpc(path, { columns: { prompt: new Utf8(), chosen: new Utf8() } }))).resolves.toHaveLength(1);
    const typed = join(dir, 'typed.arrows');
    await writeArrowIpc(typed, fromRows([{ prompt_id: 'p', reward: 'x' }], { columns: { prompt_id: new Utf8(), reward: new Utf8() } }));
    await expect(collect(readArrowIpc(typed, { columns: ['reward'] }))).rejects.toThrow(`${typed}, row 0, field "reward": expected Float32, got Utf8`);
    const empty = join(dir, 'empty.arrow');
    await writeFile(empty, '');
    await expect(collect(readArrowIpc(empty))).rejects.toThrow(`${empty}: empty file`);
  });

  it('picks a reader by extension, or lists the known ones', () => {
    expect(() => readDataset('data.csv')).toThrow(ConfigError);
    expect(() => readDataset('data.csv')).toThrow(/known: \.jsonl, \.ndjson, \.parquet, \.arrow/);
  });
});
