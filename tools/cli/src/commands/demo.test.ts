import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { UsageError } from './command.js';
import { demo } from './demo.js';
import { DEMO_METHODS } from '../demo/methods/registry.js';
import type { DemoReport } from '../demo/demo-report.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'prefstream-demo-'));
});
afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
  return { out, err };
}

const inOrder = (i: { low: number; high: number }, mean: number) => i.low <= mean + 1e-12 && mean <= i.high + 1e-12;

describe('prefstream demo --quick', () => {
  it('runs every step and writes a report with every method, finite numbers and ordered intervals', async () => {
    const out = path.join(dir, 'quick');
    const { out: lines } = capture();
    const before = tf.memory().numTensors;
    expect(await demo.run(['--quick', '--out', out, '--seed', '1'])).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const text = lines.join('\n');
    for (const step of ['[a]', '[b]', '[c]', '[d]']) expect(text).toContain(step);
    expect(text).toMatch(/held-out pair accuracy \d\.\d{3}/);

    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as DemoReport;
    const names = [...DEMO_METHODS.keys()];
    expect(report.policies.map((p) => p.name)).toEqual(['sft', ...names]);
    for (const p of report.policies) {
      const s = p.summary;
      for (const m of [s.gold, s.learned, s.exact]) {
        expect([m.mean, m.low, m.high].every(Number.isFinite)).toBe(true);
        expect(m.low).toBeLessThanOrEqual(m.mean);
        expect(m.mean).toBeLessThanOrEqual(m.high);
        expect(m.n).toBe(report.sizes.evalPrompts);
      }
      expect(s.gold.mean).toBeGreaterThanOrEqual(0);
      expect(s.gold.mean).toBeLessThanOrEqual(1);
      if (p.name === 'sft') continue;
      for (const w of [s.winGold!, s.winLearned!]) {
        expect(w.wins + w.losses + w.ties).toBe(report.sizes.evalPrompts);
        expect(inOrder(w.overall, w.overall.estimate)).toBe(true);
        if (w.decided) expect(inOrder(w.decided, w.decided.estimate)).toBe(true);
      }
      expect(Number.isFinite(s.kl!.k3.mean) && s.kl!.k3.mean >= 0).toBe(true);
      expect(p.training!.updates).toBe(report.sizes.budget.updates);
    }
    expect(report.rewardModel.labels).toBeGreaterThanOrEqual(0);
    expect(report.rewardModel.labels).toBeLessThanOrEqual(1);

    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    for (const p of report.policies) expect(html).toContain(`<td>${p.label}</td>`);
    expect(html).not.toMatch(/<script|https?:\/\//);
    for (const name of names) expect(text).toMatch(new RegExp(`^${report.policies.find((p) => p.name === name)!.label} `, 'm'));
  }, 120_000);

  it('refuses a non-empty output without --force and an unknown method, before any work', async () => {
    const out = path.join(dir, 'busy');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'keep.txt'), 'x');
    await expect(demo.run(['--quick', '--out', out])).rejects.toThrow(/is not empty \(1 entries\); choose another --out or pass --force/);
    await expect(demo.run(['--quick', '--out', path.join(dir, 'none'), '--methods', 'dpo,ppo'])).rejects.toThrow(/unknown method "ppo" \(valid: dpo, slic, rso, copg, crlft/);
    await expect(demo.run(['--quick', '--seed', '-1'])).rejects.toThrow(UsageError);
    expect(await readdir(out)).toEqual(['keep.txt']);
  });
});
