import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetricsJsonl, readMetricsJsonl } from './read-metrics-jsonl.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readMetricsJsonl', () => {
  it('reads one object per line and skips blank lines', async () => {
    const path = join(dir, 'metrics.jsonl');
    await writeFile(path, '{"step":1,"loss":0.69}\n\n{"step":2,"loss":0.5,"rewards/margins":0.3}\n');
    expect(await readMetricsJsonl(path)).toEqual([
      { step: 1, loss: 0.69 },
      { step: 2, loss: 0.5, 'rewards/margins': 0.3 },
    ]);
  });

  it('names the file and line of bad JSON', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"step":1}\n{"step":2,\n');
    await expect(readMetricsJsonl(path)).rejects.toThrow(`${path}:2: invalid JSON`);
  });

  it('rejects non-objects and a missing file', async () => {
    expect(() => parseMetricsJsonl('{"a":1}\r\n[1]', 'm.jsonl')).toThrow('m.jsonl:2: expected a JSON object, got an array');
    expect(() => parseMetricsJsonl('3', 'm.jsonl')).toThrow('m.jsonl:1: expected a JSON object, got 3');
    await expect(readMetricsJsonl(join(dir, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});
