import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DataError, initBackend } from '@prefstream/core';
import { runPipeline } from '@prefstream/trainer';
import { UsageError } from './command.js';
import { report } from './report.js';

let tmp: string;
const DATA = { kind: 'bandit' as const, rewards: [1, 0.5, 0], referenceProbs: [0.2, 0.3, 0.5], mu1: [1 / 3, 1 / 3, 1 / 3], pairs: 8, seed: 2 };

/** A tiny bandit run: 4 updates of `pipeline`, samples logged every update. */
async function banditRun(name: string, pipeline: Record<string, unknown>): Promise<string> {
  const output = path.join(tmp, name);
  await runPipeline({ pipeline: pipeline as { name: string }, policy: { kind: 'tabular' }, data: DATA, optimizer: { name: 'adam', learningRate: 0.1 }, batchRows: 4, epochs: 2, output, logSamples: { every: 1, rows: 2 } });
  return output;
}

async function quietly(argv: string[]): Promise<number> {
  const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return await report.run(argv);
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  tmp = await mkdtemp(path.join(tmpdir(), 'prefstream-report-'));
});

describe('prefstream report', () => {
  it('writes an offline HTML page and the same numbers as JSON for two bandit runs and a plain run', async () => {
    const dpo = await banditRun('dpo', { name: 'dpo', beta: 0.5 });
    const copg = await banditRun('copg', { name: 'copg', beta: 0.5 });
    const plain = path.join(tmp, 'plain');
    await mkdir(plain);
    await writeFile(path.join(plain, 'metrics.jsonl'), [{ step: 1, loss: 0.7 }, { step: 2, loss: 0.5 }].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = path.join(tmp, 'out', 'report.html');
    expect(await quietly([dpo, copg, plain, '--out', out, '--title', 'bandit <dpo> vs copg'])).toBe(0);

    const html = await readFile(out, 'utf8');
    expect(html).not.toMatch(/<script|<link|https?:\/\//); // offline: no scripts, no external resources
    expect(html).toContain('<title>bandit &lt;dpo&gt; vs copg</title>');
    expect(html).toMatch(/<h2>Training metrics<\/h2>[\s\S]*<figcaption>loss<\/figcaption>/);
    expect(html).toMatch(/<h2>Regret<\/h2>/);
    expect(html).toMatch(/<h2>Samples<\/h2>[\s\S]*\[dpo\] [\s\S]*a[012]/);

    const json = JSON.parse(await readFile(path.join(tmp, 'out', 'report.json'), 'utf8')) as {
      table: { columns: string[]; rows: (string | number | null)[][] };
      regret: { name: string; points: { step: number; value: number }[] }[];
      runs: { name: string; samples: unknown[] }[];
    };
    expect(json.table.columns).toEqual(['run', 'steps', 'loss', 'rewards/margins', 'rewards/accuracies', 'method', 'regret', 'klToPiStar', 'tvToOptimum', 'tvToEmpiricalOptimum']);
    const runReport = JSON.parse(await readFile(path.join(dpo, 'report.json'), 'utf8')) as { regret: number; klToPiStar: number; regretCurve: { step: number; regret: number }[] };
    const dpoRow = json.table.rows[0]!;
    expect(dpoRow.slice(0, 2)).toEqual(['dpo', 4]);
    expect(dpoRow[5]).toBe('dpo');
    expect(dpoRow[6]).toBe(runReport.regret);
    expect(dpoRow[7]).toBe(runReport.klToPiStar);
    expect(json.table.rows[2]).toEqual(['plain', 2, 0.5, null, null, null, null, null, null, null]);
    expect(json.regret.map((r) => r.name)).toEqual(['dpo', 'copg']);
    expect(json.regret[0]!.points).toEqual(runReport.regretCurve.map((p) => ({ step: p.step, value: p.regret })));
    expect(json.runs.map((r) => r.samples.length)).toEqual([4, 4, 0]); // 2 rows × (chosen, rejected) of the last step
  }, 60_000);

  it('names a directory without metrics.jsonl, and asks for --out', async () => {
    const empty = path.join(tmp, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(quietly([empty, '--out', path.join(tmp, 'x.html')])).rejects.toThrow(DataError);
    await expect(quietly([empty, '--out', path.join(tmp, 'x.html')])).rejects.toThrow(/empty[/\\]metrics\.jsonl.*not a run directory/);
    await expect(quietly([empty])).rejects.toThrow(UsageError);
    await expect(quietly(['--out', 'x.html'])).rejects.toThrow(/at least one run directory/);
  });
});
