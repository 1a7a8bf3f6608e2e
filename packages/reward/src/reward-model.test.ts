import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend, tf } from '@prefstream/core';
import { CheckpointReader, packSequences } from '@prefstream/model';
import { RewardModel } from './reward-model.js';
import { byteTokenizer, tinyLM } from './test-support/tiny-model.js';

const tok = byteTokenizer();
const PAD = tok.padTokenId!;
let dir = '';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'reward-model-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const pack = (prompts: string[], completions: string[]) =>
  packSequences(prompts.map((p) => tok.encode(p)), completions.map((c) => tok.encode(c)), { padSide: 'right', padTokenId: PAD });

async function rewardsOf(rm: RewardModel, prompts: string[], completions: string[]): Promise<number[]> {
  const r = tf.tidy(() => rm.rewards(pack(prompts, completions)));
  try {
    return Array.from(await r.data());
  } finally {
    r.dispose();
  }
}

/** Toy preferences: a completion ending in "yes" beats one ending in "no", whatever the prompt. */
const prompts = ['Q1: ', 'Q2: ', 'is it? ', 'ok? ', 'go ', 'A? '];
const chosen = prompts.map((_, i) => `${'ab'.slice(0, (i % 2) + 1)} yes`);
const rejected = prompts.map((_, i) => `${'ab'.slice(0, (i % 2) + 1)} no`);

describe('RewardModel', () => {
  it('a few Bradley–Terry steps raise pairwise accuracy on a toy preference set', async () => {
    const rm = RewardModel.fromLanguageModel(tinyLM(3), 5);
    const accuracy = async () => {
      const w = await rewardsOf(rm, prompts, chosen);
      const l = await rewardsOf(rm, prompts, rejected);
      return w.filter((x, i) => x > l[i]!).length / w.length;
    };
    const before = await accuracy();
    const optimizer = tf.train.adam(0.02);
    const vars = [...rm.trainableVariables().values()];
    const batch = pack([...prompts, ...prompts], [...chosen, ...rejected]);
    const n = prompts.length;
    let firstLoss = 0;
    let lastLoss = 0;
    for (let step = 0; step < 25; step++) {
      const loss = optimizer.minimize(
        () => {
          const r = rm.rewards(batch); // (2n,)
          const margin = tf.sub(tf.slice(r, [0], [n]), tf.slice(r, [n], [n])); // r_w − r_l
          // −logσ(m) = softplus(−m); tf.logSigmoid's gradient is broken in tfjs 4.22.
          return tf.mean(tf.softplus(tf.neg(margin))) as tf.Scalar;
        },
        true,
        vars,
      )!;
      const value = (await loss.data())[0]!;
      loss.dispose();
      if (step === 0) firstLoss = value;
      lastLoss = value;
    }
    optimizer.dispose();
    const after = await accuracy();
    expect(before).toBeLessThan(1);
    expect(after).toBe(1);
    expect(lastLoss).toBeLessThan(firstLoss * 0.5);
    rm.dispose();
  });

  it('reads the last non-pad token: padding does not change a row’s reward', async () => {
    const rm = RewardModel.fromLanguageModel(tinyLM(1), 2);
    const [alone] = await rewardsOf(rm, ['hi '], ['there']);
    const [, padded] = await rewardsOf(rm, ['a much longer prompt ', 'hi '], ['and completion', 'there']);
    expect(padded).toBeCloseTo(alone!, 5);
    const left = tf.tidy(() => rm.rewards(packSequences([tok.encode('a much longer prompt '), tok.encode('hi ')], [tok.encode('x'), tok.encode('there')], { padSide: 'left', padTokenId: PAD })));
    expect((await left.data())[1]).toBeCloseTo(alone!, 5);
    left.dispose();
    rm.dispose();
  });

  it('save → load gives identical rewards and an HF sequence-classification checkpoint', async () => {
    const rm = RewardModel.fromLanguageModel(tinyLM(4), 9);
    const out = path.join(dir, 'rm');
    await rm.save(out, { padTokenId: PAD });
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.architectures).toEqual(['GPT2ForSequenceClassification']);
    expect(config.id2label).toEqual({ '0': 'LABEL_0' });
    expect(config.pad_token_id).toBe(PAD);
    const reader = await CheckpointReader.open(out);
    expect((await reader.info('score.weight')).shape).toEqual([1, 16]);
    await reader.close();
    const loaded = await RewardModel.load(out);
    const a = await rewardsOf(rm, prompts, chosen);
    const b = await rewardsOf(loaded, prompts, chosen);
    expect(b).toEqual(a);
    rm.dispose();
    loaded.dispose();
  });

  it('refuses a plain causal LM directory, naming the file and tensor', async () => {
    const lm = tinyLM(0);
    const out = path.join(dir, 'lm');
    await lm.save(out);
    lm.dispose();
    await expect(RewardModel.load(out)).rejects.toThrow(/model\.safetensors, field "score\.weight": no reward head/);
  });

  it('leaves no tensors behind', async () => {
    const rm = RewardModel.fromLanguageModel(tinyLM(2), 2);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await rewardsOf(rm, prompts, chosen);
    expect(tf.memory().numTensors).toBe(before);
    rm.dispose();
  });
});
