import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@prefstream/core';
import { loadLatestCheckpoint } from '../checkpoint/load-latest-checkpoint.js';
import { runPipeline } from './run-pipeline.js';
import type { RunConfigInput } from './run-config.js';
import { readWeights, tempDir, TINY_DATA, tinyRunConfig, writeJsonl } from './test-support/tiny-run.js';

const CHILD = join(import.meta.dirname, 'test-support/run-child.ts');

/** Runs the child until it prints `HANG k`, then SIGKILLs it. */
function runUntilKilled(configFile: string, hangAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@prefstream/source', CHILD, configFile, String(hangAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`HANG ${hangAt}`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(out) : reject(new Error(`child exited ${code}: ${out}\n${err}`))));
  });
}

let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await tempDir('prefstream-resume-');
});

describe('resume', () => {
  it('a run SIGKILLed at step 4 and resumed ends with the weights of an uninterrupted run', async () => {
    // 6 pairs × 2 epochs at 2 rows per batch = 6 updates; the kill lands in epoch 1 (step 4).
    const data = await writeJsonl(dir, 'pairs.jsonl', [...TINY_DATA.dpo!, ...TINY_DATA.dpo!.slice(0, 2)]);
    const config = (output: string): RunConfigInput => tinyRunConfig({ name: 'dpo' }, data, output, { epochs: 2, checkpoint: { every: 1, keepLast: 2 } });

    const straight = await runPipeline(config(join(dir, 'straight')));
    expect(straight.step).toBe(6);

    const output = join(dir, 'killed');
    const configFile = join(dir, 'killed.json');
    await writeFile(configFile, JSON.stringify(config(output)));
    await runUntilKilled(configFile, 4);
    const latest = await loadLatestCheckpoint(output);
    expect(latest?.trainerState.step).toBe(3);
    expect(latest?.trainerState.streamPosition).toEqual({ epoch: 0, row: 6 }); // the end of epoch 0

    const resumed = await runPipeline({ ...config(output), resume: true });
    expect(resumed.step).toBe(6);
    const a = await readWeights(join(straight.finalDir!, 'model.safetensors'));
    const b = await readWeights(join(resumed.finalDir!, 'model.safetensors'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) {
      const other = b.get(name)!;
      const maxDiff = values.reduce((m, v, i) => Math.max(m, Math.abs(v - other[i]!)), 0);
      expect(maxDiff, name).toBeLessThan(1e-6);
    }
    const steps = (await readFile(join(output, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  }, 60_000);
});
