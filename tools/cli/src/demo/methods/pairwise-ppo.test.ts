import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { PairwiseJudge } from '@prefstream/reward';
import { demo } from '../../commands/demo.js';
import type { DemoReport } from '../demo-report.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('demo method pairwise-ppo', () => {
  it('trains its judge, runs pairwise PPO for the budget and frees every tensor', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'demo-pairwise-')), 'quick');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const before = tf.memory().numTensors;
    expect(await demo.run(['--quick', '--out', out, '--methods', 'pairwise-ppo'])).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    vi.restoreAllMocks();
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as DemoReport;
    const entry = report.policies.find((p) => p.name === 'pairwise-ppo')!;
    expect(entry.training!.updates).toBe(report.sizes.budget.updates);
    expect(Number.isFinite(entry.summary.gold.mean)).toBe(true);
    const judge = await PairwiseJudge.load(path.join(out, 'runs', 'pairwise-ppo-judge', 'final'));
    expect(judge.options.template).toBe('{prompt}{a}|{prompt}{b}|');
    judge.dispose();
    const rows = (await readFile(path.join(out, 'runs', 'pairwise-ppo', 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    for (const key of ['objective/scores', 'objective/kl', 'loss/policy_avg', 'loss/value_avg', 'reward/position_consistency']) expect(Number.isFinite(rows[0]![key]), key).toBe(true);
  }, 120_000);
});
