import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '@prefstream/core';
import { run } from './run.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const EXAMPLE = path.join(ROOT, 'examples/dpo-tiny/pipeline.yaml');

let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'prefstream-cli-run-'));
});
afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
  return { out, err };
}

describe('prefstream run', () => {
  it('runs examples/dpo-tiny to completion with plain progress lines', async () => {
    const output = path.join(dir, 'dpo-tiny');
    const { out } = capture();
    expect(await run.run([EXAMPLE, '--output', output])).toBe(0);
    const lines = out.join('').split('\n').filter((l) => l.startsWith('step '));
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^step 4\/4 loss \d+\.\d{4} margin -?\d+\.\d{4} tok\/s \d+ eta \d+s$/);
    expect(await readdir(output)).toEqual(expect.arrayContaining(['metrics.jsonl', 'config.resolved.yaml', 'checkpoint-4', 'final', 'samples.jsonl']));
    const samples = (await readFile(path.join(output, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as object);
    expect(samples[0]).toMatchObject({ step: 2, prompt: expect.any(String), completion: expect.any(String) });
  }, 60_000);

  it('--resume after a finished run applies no more updates', async () => {
    const output = path.join(dir, 'dpo-tiny');
    const { out } = capture();
    expect(await run.run([EXAMPLE, '--output', output, '--resume'])).toBe(0);
    expect(out.join('')).toMatch(/done: 4 steps/);
  }, 60_000);

  it('exits 1 naming the file and the valid keys on an unknown key', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, (await readFile(EXAMPLE, 'utf8')).replace('seed: 7', 'seeed: 7'));
    const { err } = capture();
    expect(await run.run([file])).toBe(1);
    expect(err.join('\n')).toMatch(new RegExp(`prefstream run: ${file.replace(/[/.]/g, '\\$&')}: invalid run config \\(valid keys at top level: pipeline, model`));
    expect(err.join('\n')).toMatch(/seeed/);
  });

  it('exits 1 naming the stage and column when the data lacks one', async () => {
    const data = path.join(dir, 'no-rejected.jsonl');
    await writeFile(data, '{"prompt":"a","chosen":"b"}\n');
    const file = path.join(dir, 'missing.yaml');
    await writeFile(file, (await readFile(EXAMPLE, 'utf8')).replace('path: pairs.jsonl', `path: ${data}`));
    const { err } = capture();
    expect(await run.run([file, '--output', path.join(dir, 'missing')])).toBe(1);
    expect(err.join('\n')).toMatch(/tokenize \(#0\).*"rejected"/);
  });

  it('stops on SIGINT after the current update with a checkpoint and no final model', async () => {
    const file = path.join(dir, 'long.yaml');
    await writeFile(file, (await readFile(EXAMPLE, 'utf8')).replace('maxSteps: 4', 'maxSteps: 400\nepochs: 100').replace('path: pairs.jsonl', `path: ${path.join(ROOT, 'examples/dpo-tiny/pairs.jsonl')}`));
    const output = path.join(dir, 'interrupted');
    const out: string[] = [];
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    let sent = false;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      // The signal arrives as Ctrl-C would deliver it: through the process's SIGINT listeners.
      if (!sent && String(chunk).startsWith('step 3/')) {
        sent = true;
        process.emit('SIGINT');
      }
      return true;
    });
    expect(await run.run([file, '--output', output])).toBe(130);
    expect(sent).toBe(true);
    const stopped = /stopped at step (\d+); checkpoint (\S+)/.exec(out.join(''));
    expect(stopped).not.toBeNull();
    const step = Number(stopped![1]);
    expect(step).toBeGreaterThanOrEqual(3);
    expect(step).toBeLessThan(400);
    const entries = await readdir(output);
    expect(entries).toContain(`checkpoint-${step}`);
    expect(entries).not.toContain('final');
    expect(process.listenerCount('SIGINT')).toBe(0);
  }, 60_000);

  it('exits 1 on a config file that is not YAML', async () => {
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, 'pipeline: [unclosed\n');
    const { err } = capture();
    expect(await run.run([file])).toBe(1);
    expect(err.join('\n')).toMatch(/broken\.yaml: not valid YAML/);
  });
});
