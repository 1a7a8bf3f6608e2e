/**
 * Keeps every benchmark script runnable: each runs in `--quick` mode (tiny sizes) in its own
 * process, exits 0 and writes a parseable `<name>.quick.json`. The figures are not checked —
 * timings belong to the full runs recorded in README.md, not to tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const BENCHES = ['backend-matmul', 'streaming', 'sampler-throughput', 'model-dpo-step', 'merge-memory'] as const;

describe('benchmark scripts (--quick)', () => {
  it.each(BENCHES)('%s runs and writes its quick results', (name) => {
    const out = join(here, '..', 'results', `${name}.quick.json`);
    rmSync(out, { force: true });
    const run = spawnSync(process.execPath, ['--import', tsx, '--conditions=@prefstream/source', join(here, `${name}.ts`), '--quick'], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, PREFSTREAM_BACKEND: 'wasm' },
    });
    expect(run.status, `${name} failed:\n${run.stderr}`).toBe(0);
    expect(existsSync(out)).toBe(true);
    const parsed = JSON.parse(readFileSync(out, 'utf8')) as unknown;
    expect(typeof parsed).toBe('object');
    rmSync(out, { force: true });
  }, 300_000);
});
