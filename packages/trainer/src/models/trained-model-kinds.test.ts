import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { CausalLM, CharTokenizer, parseModelConfig } from '@prefstream/model';
import { PairwiseJudge } from '@prefstream/reward';
import { PolicyWithValueHead } from './policy-with-value-head.js';
import { TRAINED_MODEL_WRAPPERS } from './trained-model-kinds.js';

const CONFIG = parseModelConfig({ model_type: 'gpt2', vocab_size: 18, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 32 });
const tokenizer = new CharTokenizer('0123456789+=AB|');
const pipeline = { name: 'pairwise-rm', template: '{prompt}|{a}|{b}|', verdicts: ['A', 'B'] };

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('TRAINED_MODEL_WRAPPERS', () => {
  it('policy-value: a fresh head on the run LM, or the checkpoint\'s LM and head on resume', async () => {
    const wrap = TRAINED_MODEL_WRAPPERS['policy-value']!;
    const fresh = (await wrap({ lm: CausalLM.random(CONFIG, 1), tokenizer, pipeline, seed: 3, checkpointDir: undefined })) as PolicyWithValueHead;
    tf.tidy(() => fresh.bias.assign(tf.tensor1d([0.4])));
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'wrappers-')), 'checkpoint-1');
    await fresh.save(dir);
    const other = CausalLM.random(CONFIG, 2);
    const resumed = (await wrap({ lm: other, tokenizer, pipeline, seed: 3, checkpointDir: dir })) as PolicyWithValueHead;
    expect(resumed).toBeInstanceOf(PolicyWithValueHead);
    expect(resumed.bias.dataSync()[0]).toBeCloseTo(0.4, 6);
    expect(await resumed.fingerprint()).toBe(await fresh.fingerprint());
    expect(() => other.trainableVariables()).toThrow(/after dispose/); // the initial LM was released
    fresh.dispose();
    resumed.dispose();
  });

  it('pairwise-judge: the pipeline\'s template and verdicts, and the checkpoint\'s weights on resume', async () => {
    const wrap = TRAINED_MODEL_WRAPPERS['pairwise-judge']!;
    const fresh = (await wrap({ lm: CausalLM.random(CONFIG, 1), tokenizer, pipeline, seed: 3, checkpointDir: undefined })) as PairwiseJudge;
    expect(fresh.options.template).toBe('{prompt}|{a}|{b}|');
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'wrappers-')), 'checkpoint-1');
    await fresh.save(dir);
    const resumed = (await wrap({ lm: CausalLM.random(CONFIG, 2), tokenizer, pipeline, seed: 3, checkpointDir: dir })) as PairwiseJudge;
    expect(await resumed.fingerprint()).toBe(await fresh.fingerprint());
    expect(resumed.verdictIds).toEqual([12, 13]);
    fresh.dispose();
    resumed.dispose();
  });
});
