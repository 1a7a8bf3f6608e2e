import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, map, throwError, concat } from 'rxjs';
import { readFloat32, readStrings, readTokenLists } from '../batch/columns.js';
import { fromRows } from '../sources/from-rows.js';
import { readDataset } from '../sources/read-dataset.js';
import { batchPosition } from '../sources/batch-position.js';
import { writeDataset } from './write-dataset.js';
import { writeJsonl } from './write-jsonl.js';
import { writeParquet } from './write-parquet.js';
import { writeArrowIpc } from './write-arrow-ipc.js';
import { collect } from '../test-support/collect.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prefstream-sinks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rows = Array.from({ length: 7 }, (_, i) => ({
  prompt_id: `p${i >> 1}`,
  messages: [
    { role: 'user', content: `q${i}` },
    { role: 'assistant', content: `a${i}` },
  ],
  prompt_ids: Array.from({ length: i }, (_, k) => k),
  reward: i / 10,
  condition: i % 2 ? 'gpt4' : 'gpt35',
}));
const columns = ['prompt_id', 'messages', 'prompt_ids', 'reward', 'condition'];

describe.each(['.jsonl', '.parquet', '.arrow', '.arrows'])('round trip through %s', (ext) => {
  it('writes every row and reads the same values back', async () => {
    const path = join(dir, `round${ext}`);
    const result = await writeDataset(path, fromRows(rows, { batchRows: 3 }));
    expect(result).toEqual({ path, rows: 7, batches: 3 });
    const batches = await collect(readDataset(path, { columns, batchRows: 4, groupBy: 'prompt_id' }));
    expect(batches.map((b) => b.numRows)).toEqual([4, 3]);
    expect(batches.map((b) => batchPosition(b)!.startRow)).toEqual([0, 4]);
    const all = batches.flatMap((b) => readStrings(b, 'prompt_id'));
    expect(all).toEqual(rows.map((r) => r.prompt_id));
    expect(batches.flatMap((b) => Array.from(readFloat32(b, 'reward')))).toEqual(rows.map((r) => Math.fround(r.reward)));
    expect(batches.flatMap((b) => readTokenLists(b, 'prompt_ids').map((l) => Array.from(l)))).toEqual(rows.map((r) => r.prompt_ids));
    expect(batches[1]!.getChild('messages')!.get(2)!.get(1)!.toJSON()).toEqual({ role: 'assistant', content: 'a6' });
    const resumed = await collect(readDataset(path, { columns, skip: 5 }));
    expect(readStrings(resumed[0]!, 'condition')).toEqual(['gpt4', 'gpt35']);
    expect(batchPosition(resumed[0]!)!.startRow).toBe(5);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('sinks', () => {
  it('write float32 values in their shortest form', async () => {
    const path = join(dir, 'short.jsonl');
    await writeJsonl(path, fromRows([{ prompt_id: 'p', completion: 'c', reward: 0.1 }]));
    expect(await readFile(path, 'utf8')).toBe('{"prompt_id":"p","completion":"c","reward":0.1}\n');
  });

  it('take Observables and count rows', async () => {
    const path = join(dir, 'obs.parquet');
    const batches = await collect(fromRows(rows, { batchRows: 2 }));
    expect(await writeParquet(path, from(batches), { rowGroupRows: 3 })).toEqual({ path, rows: 7, batches: 4 });
    expect((await collect(readDataset(path))).reduce((n, b) => n + b.numRows, 0)).toBe(7);
  });

  it('remove the temp file, keep no output and rethrow on error', async () => {
    const path = join(dir, 'failed.arrow');
    await writeFile(path, 'previous complete output');
    const batches = await collect(fromRows(rows, { batchRows: 2 }));
    const failing = concat(from(batches.slice(0, 2)), throwError(() => new Error('upstream broke')));
    await expect(writeArrowIpc(path, failing)).rejects.toThrow('upstream broke');
    expect(await readFile(path, 'utf8')).toBe('previous complete output');
    for (const write of [writeJsonl, writeParquet]) {
      const out = join(dir, `failed-${write.name}`);
      await expect(write(out, failing)).rejects.toThrow('upstream broke');
      expect((await readdir(dir)).filter((f) => f.startsWith(`failed-${write.name}`))).toEqual([]);
    }
  });

  it('reject batches whose columns change mid-file', async () => {
    const path = join(dir, 'mixed.parquet');
    const a = await collect(fromRows([{ prompt: 'x' }]));
    const b = await collect(fromRows([{ prompt: 'x', chosen: 'y' }]));
    await expect(writeParquet(path, from([...a, ...b]))).rejects.toThrow(/batch 1 has columns \(prompt: Utf8, chosen: Utf8\), the first batch had \(prompt: Utf8\)/);
  });

  it('refuse NaN in JSON rather than writing null', async () => {
    const source = from(await collect(fromRows([{ prompt_id: 'p', completion: 'c', reward: 1 }]))).pipe(map((b) => b));
    const nan = await collect(fromRows([{ prompt_id: 'p', completion: 'c', reward: Number.NaN }]));
    await expect(writeJsonl(join(dir, 'nan.jsonl'), concat(source, from(nan)))).rejects.toThrow(/row 1, field "reward": NaN cannot be written as JSON/);
  });
});
