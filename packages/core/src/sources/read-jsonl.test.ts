import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFloat32, readStrings } from '../batch/columns.js';
import { DataError } from '../errors/data-error.js';
import { ConfigError } from '../errors/config-error.js';
import { readJsonl } from './read-jsonl.js';
import { batchPosition } from './batch-position.js';
import { collect } from '../test-support/collect.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prefstream-jsonl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const completions = (groups: number[]) =>
  groups
    .flatMap((n, g) => Array.from({ length: n }, (_, i) => JSON.stringify({ prompt_id: `p${g}`, completion: `c${g}.${i}`, reward: g + i / 10 })))
    .join('\n');

describe('readJsonl', () => {
  it('reads typed batches of batchRows with their positions', async () => {
    const path = await file('c.jsonl', `${completions([3, 2, 2])}\n\n`);
    const batches = await collect(readJsonl(path, { batchRows: 3 }));
    expect(batches.map((b) => b.numRows)).toEqual([3, 3, 1]);
    expect(batches[0]!.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(['prompt_id: Utf8', 'completion: Utf8', 'reward: Float32']);
    expect(readStrings(batches[1]!, 'completion')).toEqual(['c1.0', 'c1.1', 'c2.0']);
    expect(Array.from(readFloat32(batches[2]!, 'reward'))).toEqual([Math.fround(2.1)]);
    expect(batches.map((b) => batchPosition(b))).toEqual([
      { source: path, startRow: 0, endRow: 3 },
      { source: path, startRow: 3, endRow: 6 },
      { source: path, startRow: 6, endRow: 7 },
    ]);
  });

  it('keeps the rows of one prompt_id in one batch', async () => {
    const path = await file('g.jsonl', completions([3, 4, 1, 2]));
    const batches = await collect(readJsonl(path, { batchRows: 2, groupBy: 'prompt_id' }));
    expect(batches.map((b) => readStrings(b, 'prompt_id').join())).toEqual(['p0,p0,p0', 'p1,p1,p1,p1', 'p2,p3,p3']);
  });

  it('cuts batches by estimated bytes', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => JSON.stringify({ prompt: 'x'.repeat(100), chosen: `${i}`, rejected: '' })).join('\n');
    const batches = await collect(readJsonl(await file('b.jsonl', rows), { batchBytes: 250 }));
    expect(batches.map((b) => b.numRows)).toEqual([3, 3, 3, 1]);
  });

  it('resumes from a row offset', async () => {
    const path = await file('s.jsonl', completions([3, 2, 2]));
    const batches = await collect(readJsonl(path, { batchRows: 10, skip: 4 }));
    expect(readStrings(batches[0]!, 'completion')).toEqual(['c1.1', 'c2.0', 'c2.1']);
    expect(batchPosition(batches[0]!)?.startRow).toBe(4);
    expect(await collect(readJsonl(path, { skip: 7 }))).toEqual([]);
  });

  it('reads only the declared columns', async () => {
    const path = await file('p.jsonl', completions([2]));
    const [batch] = await collect(readJsonl(path, { columns: ['completion'] }));
    expect(batch!.schema.fields.map((f) => f.name)).toEqual(['completion']);
  });

  it('names file and line of malformed JSON', async () => {
    const path = await file('bad.jsonl', `{"prompt": "a"}\n\n{"prompt": "b",}\n`);
    await expect(collect(readJsonl(path))).rejects.toThrow(DataError);
    await expect(collect(readJsonl(path))).rejects.toThrow(`${path}:3, row 1: invalid JSON`);
  });

  it('names the row and field of a missing required field', async () => {
    const path = await file('missing.jsonl', `{"prompt":"a","chosen":"b","rejected":"c"}\n{"prompt":"a","chosen":"b"}\n`);
    await expect(collect(readJsonl(path, { columns: ['prompt', 'chosen', 'rejected'] }))).rejects.toThrow(
      `${path}:2, row 1, field "rejected": missing required field (row has: prompt, chosen)`,
    );
  });

  it('names file, row and column of a wrong type', async () => {
    const path = await file('type.jsonl', `{"prompt_id":"a","completion":"x","reward":1}\n{"prompt_id":"a","completion":"y","reward":"high"}\n`);
    await expect(collect(readJsonl(path))).rejects.toThrow(`${path}:2, row 1, field "reward": expected a number, got a string "high"`);
  });

  it('rejects a field the first row did not have, unless columns are declared', async () => {
    const path = await file('extra.jsonl', `{"prompt":"a"}\n{"prompt":"b","chosen":"c"}\n`);
    await expect(collect(readJsonl(path))).rejects.toThrow(/row 1, field "chosen": field not in the first row/);
    expect((await collect(readJsonl(path, { columns: ['prompt'] })))[0]!.numRows).toBe(2);
  });

  it('names an empty file', async () => {
    const path = await file('empty.jsonl', '\n  \n');
    await expect(collect(readJsonl(path))).rejects.toThrow(`${path}: empty file: no rows`);
  });

  it('rejects bad options before reading', () => {
    expect(() => readJsonl('x.jsonl', { batchRow: 3 } as never)).toThrow(ConfigError);
    expect(() => readJsonl('x.jsonl', { columns: ['promt'] })).toThrow(/unknown column "promt"/);
  });
});
