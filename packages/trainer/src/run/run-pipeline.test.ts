import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, initBackend, tf } from '@prefstream/core';
import { parse } from 'yaml';
import { dpo, rso } from './pipeline-factories.js';
import { runPipeline } from './run-pipeline.js';
import { readWeights, tempDir, TINY_DATA, tinyModel, tinyRunConfig, writeJsonl } from './test-support/tiny-run.js';

let dir: string;
let initial: Map<string, Float32Array>;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await tempDir();
  const model = tinyModel();
  await model.save(join(dir, 'initial'));
  model.dispose();
  initial = await readWeights(join(dir, 'initial', 'model.safetensors'));
});

afterAll(() => undefined);

/** Options that keep each pipeline's smoke run tiny (generation: 2–4 candidates of 3 tokens). */
const GENERATE = { maxNewTokens: 3, temperature: 1, topK: 0 };
/** A reward with few ties: the sum of the completion's char codes (the built-in length reward ties a lot on 3 tokens). */
const charSum = (_prompt: string, completion: string) => [...completion].reduce((sum, c) => sum + c.charCodeAt(0), 0) / 1000;
const PIPELINES: [string, Record<string, unknown>][] = [
  ['sft', {}],
  ['reward-model', {}],
  ['dpo', { beta: 0.1 }],
  ['copg', {}],
  ['crlft', {}],
  ['slic', { n: 3, generation: GENERATE, reward: { kind: 'function', fn: 'charSum' } }],
  ['rso', { n: 4, numSamples: 2, generation: GENERATE, reward: { kind: 'function', fn: 'charSum' } }],
];
/** RSO's sampling with DPO's loss: one entry of RSO's list swapped, run end to end. */
const RSO_WITH_DPO_LOSS = {
  stages: rso({ n: 4, numSamples: 2, generation: GENERATE, reward: { kind: 'function', fn: 'charSum' } }).stages.map((s) =>
    s.kind === 'preferenceLoss' ? dpo({ beta: 0.1 }).stages.find((d) => d.kind === 'preferenceLoss')! : s,
  ),
};

describe('runPipeline: one smoke run per pipeline', () => {
  it.each([...PIPELINES, ['custom', RSO_WITH_DPO_LOSS] as [string, Record<string, unknown>]])('%s: 2 updates change the weights, metrics are finite, no tensor leaks', async (name, options) => {
    const data = await writeJsonl(dir, `${name}.jsonl`, TINY_DATA[name === 'custom' ? 'rso' : name]!);
    const output = join(dir, `run-${name}`);
    const before = tf.memory().numTensors;
    const result = await runPipeline(tinyRunConfig({ name, ...options }, data, output, { maxSteps: 2 }), { resources: { charSum } });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ step: 2, stopped: false });
    const rows = (await readFile(join(output, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map((r) => r.step)).toEqual([1, 2]);
    for (const row of rows) {
      for (const key of ['loss', 'grad_norm', 'learning_rate']) expect(Number.isFinite(row[key]), `${key} = ${row[key]}`).toBe(true);
    }
    const after = await readWeights(join(result.finalDir!, 'model.safetensors'));
    const changed = [...initial].filter(([key, values]) => after.get(key)?.some((v, i) => Math.abs(v - values[i]!) > 1e-7));
    expect(changed.length).toBeGreaterThan(0);
    const resolved = parse(await readFile(join(output, 'config.resolved.yaml'), 'utf8')) as { pipeline: { name: string }; stages: { kind: string }[] };
    expect(resolved.pipeline.name).toBe(name);
    expect(resolved.stages.at(-1)).toMatchObject({ kind: 'applyUpdates', optimizerResource: 'optimizer' });
  }, 60_000);
});

describe('runPipeline: hooks', () => {
  it('an abort stops after the current update with a checkpoint and no final model; evaluate results are logged', async () => {
    const data = await writeJsonl(dir, 'stop.jsonl', TINY_DATA.dpo!);
    const output = join(dir, 'run-stop');
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const result = await runPipeline(tinyRunConfig({ name: 'dpo' }, data, output, { batchRows: 1, evaluation: { every: 1 } }), {
      signal: controller.signal,
      evaluate: ({ step }) => ({ twice_step: 2 * step }),
      onStep: ({ step }) => step === 2 && controller.abort(),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ step: 2, stopped: true, finalDir: undefined });
    expect(await readdir(output)).toEqual(expect.arrayContaining(['checkpoint-2']));
    expect(await readdir(output)).not.toContain('final');
    const rows = (await readFile(join(output, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map((r) => r['eval/twice_step'])).toEqual([2, 4]);
  }, 60_000);
});

describe('runPipeline: bad input', () => {
  it('an unknown key errors listing the valid keys', async () => {
    const config = { ...tinyRunConfig({ name: 'dpo' }, 'x.jsonl', join(dir, 'bad')), checkpont: { every: 1 } };
    const error = await runPipeline(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/checkpont/);
    expect((error as Error).message).toMatch(/valid keys at top level: pipeline, model, policy, reference, tokenizer/);
  });

  it('refuses to start over an output that holds checkpoints unless resuming', async () => {
    const output = join(dir, 'run-stop'); // written by the abort test above, with checkpoint-2
    const data = await writeJsonl(dir, 'again.jsonl', TINY_DATA.dpo!);
    await expect(runPipeline(tinyRunConfig({ name: 'dpo' }, data, output))).rejects.toThrow(/already holds .*checkpoint-2; set resume: true/);
  });

  it('a missing column names the stage before any data moves or model loads', async () => {
    const data = await writeJsonl(dir, 'no-rejected.jsonl', [{ prompt: 'a', chosen: 'b' }]);
    const output = join(dir, 'run-missing');
    const error = await runPipeline(tinyRunConfig({ name: 'dpo' }, data, output)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/tokenize \(#0\).*"rejected"/);
    await expect(readdir(output)).rejects.toThrow(/ENOENT/);
  });
});
