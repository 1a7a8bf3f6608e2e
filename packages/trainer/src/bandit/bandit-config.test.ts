/** Bad bandit configs name the field; a tabular run resumes exactly; rows and resources are right. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, initBackend, tf } from '@prefstream/core';
import { runPipeline } from '../run/run-pipeline.js';
import { parseRunConfig, type RunConfigInput } from '../run/run-config.js';

const DATA = { kind: 'bandit' as const, rewards: [1, 0.5, 0], referenceProbs: [0.2, 0.3, 0.5], mu1: [1 / 3, 1 / 3, 1 / 3], pairs: 12, seed: 4 };

let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(join(tmpdir(), 'prefstream-bandit-config-'));
});

function config(extra: Record<string, unknown> = {}): RunConfigInput {
  return {
    pipeline: { name: 'dpo', beta: 0.5 },
    policy: { kind: 'tabular' },
    data: { ...DATA },
    optimizer: { name: 'adam', learningRate: 0.1 },
    batchRows: 4,
    epochs: 2,
    output: join(dir, 'run'),
    ...extra,
  } as RunConfigInput;
}

const errorOf = (input: RunConfigInput) => {
  try {
    parseRunConfig(input);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a ConfigError');
};

describe('bandit run configs', () => {
  it.each([
    ['a length that is not one per arm', { data: { ...DATA, mu1: [0.5, 0.5] } }, /data\.mu1: has 2 entries but rewards has 3/],
    ['a μ that does not sum to 1', { data: { ...DATA, mu2: [0.5, 0.3, 0.1] } }, /data\.mu2: is not a probability distribution: mu2: probabilities sum to 0\.9/],
    ['a negative probability', { data: { ...DATA, mu1: [1.2, -0.2, 0] } }, /data\.mu1: .*mu1\[1\] = -0\.2/],
    ['a reference without full support', { data: { ...DATA, referenceProbs: [0.5, 0.5, 0] } }, /data\.referenceProbs: entry 2 is 0/],
    ['a tabular policy without bandit data', { data: { path: 'pairs.jsonl' } }, /run config policy: kind tabular needs `data: \{ kind: bandit/],
    ['bandit data with a language model', { policy: undefined, model: { dir: 'gpt2' } }, /run config data: kind bandit needs `policy: \{ kind: tabular \}`/],
    ['both model and policy', { model: { dir: 'gpt2' } }, /set either `model` .* or `policy`/],
    ['neither model nor policy', { policy: undefined }, /run config model: required/],
    ['a tokenizer with a tabular policy', { tokenizer: { kind: 'byte' } }, /run config tokenizer: not used by a tabular bandit run/],
    ['an unknown bandit key', { data: { ...DATA, pair: 3 } }, /valid keys at data: kind, rewards, referenceProbs, mu1, mu2, pairs, labels, seed, beta, classWeights[\s\S]*Unrecognized key: "pair"/],
    ['an unknown file data key', { policy: undefined, model: { dir: 'gpt2' }, data: { path: 'x.jsonl', grupBy: 'id' } }, /valid keys at data: kind, path, groupBy/],
  ])('%s is a ConfigError naming the field', (_name, extra, message) => {
    const error = errorOf(config(extra));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });

  it('a pipeline without a β needs data.beta, before any model loads', async () => {
    const output = join(dir, 'no-beta');
    await expect(runPipeline(config({ pipeline: { name: 'crlft' }, output }))).rejects.toThrow(/run config data\.beta: required: the pipeline's loss \(nllLoss\) implies no β/);
    await expect(readFile(join(output, 'metrics.jsonl'))).rejects.toThrow(/ENOENT/);
    // SLiC's preferenceLoss has a `beta` option default, but its loss does not use it
    const slic = { name: 'slic', n: 2, generation: { maxNewTokens: 1 }, reward: { kind: 'function', fn: 'banditReward' } };
    await expect(runPipeline(config({ pipeline: slic, output: join(dir, 'slic') }))).rejects.toThrow(/data\.beta: required: the pipeline's loss \(slic\)/);
  });
});

describe('tabular runs', () => {
  it('stopped at update 3 and resumed, a run ends with the logits of an uninterrupted run', async () => {
    const straightOut = join(dir, 'straight');
    const before = tf.memory().numTensors;
    const straight = await runPipeline(config({ output: straightOut }));
    expect(straight.step).toBe(6); // 12 pairs × 2 epochs / 4 rows
    const output = join(dir, 'stopped');
    const controller = new AbortController();
    const stopped = await runPipeline(config({ output, checkpoint: { every: 2 } }), { signal: controller.signal, onStep: ({ step }) => step === 3 && controller.abort() });
    expect(stopped).toMatchObject({ step: 3, stopped: true });
    const resumed = await runPipeline(config({ output, checkpoint: { every: 2 }, resume: true }));
    expect(resumed.step).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
    const logits = async (d: string) => (JSON.parse(await readFile(join(d, 'tabular_policy.json'), 'utf8')) as { logits: number[] }).logits;
    expect(await logits(resumed.finalDir!)).toEqual(await logits(straight.finalDir!));
    const report = JSON.parse(await readFile(join(output, 'report.json'), 'utf8')) as { regretCurve: { step: number }[] };
    expect(report.regretCurve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
  }, 60_000);

  it('pair rows carry the arms, the winner as chosen, and both rewards; samples.jsonl shows them', async () => {
    const output = join(dir, 'samples');
    await runPipeline(config({ output, maxSteps: 1, logSamples: { every: 1, rows: 4 } }));
    const samples = (await readFile(join(output, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { prompt: string; completion: string; reward: number });
    expect(samples).toHaveLength(8);
    for (const s of samples) {
      expect(s.completion).toMatch(/^a[012]$/);
      expect(s.reward).toBe(DATA.rewards[Number(s.completion.slice(1))]);
      expect(s.prompt).toBe('');
    }
  }, 60_000);
});
