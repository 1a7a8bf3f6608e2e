import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Tensor3D } from '@prefstream/core';
import { CausalLM, packSequences, parseModelConfig } from '@prefstream/model';
import { PolicyWithValueHead, VALUE_HEAD_BIAS, VALUE_HEAD_FILE, VALUE_HEAD_WEIGHT } from './policy-with-value-head.js';

const CONFIG = parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 16 });
let dir: string;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'value-head-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PolicyWithValueHead', () => {
  const packed = packSequences([[1, 2], [3]], [[4, 5, 6], [7]], { padSide: 'right', padTokenId: 0 });

  it('reads V(x, y_<t) at position t − 1 for each completion token, 0 elsewhere; no leaks', () => {
    const model = PolicyWithValueHead.fromLanguageModel(CausalLM.random(CONFIG, 1), 2);
    tf.tidy(() => model.bias.assign(tf.tensor1d([0.3])));
    const before = tf.memory().numTensors;
    const [values, hidden, w] = tf.tidy(() => {
      const ids = tf.tensor2d(packed.inputIds, [2, packed.seqLen], 'int32');
      const mask = tf.tensor2d(packed.attentionMask, [2, packed.seqLen], 'int32');
      const h = model.lm.hiddenStates(ids, mask) as Tensor3D;
      return [model.tokenValues(packed).arraySync(), h.arraySync(), Array.from(model.weight.dataSync())];
    }) as [number[][], number[][][], number[]];
    expect(tf.memory().numTensors).toBe(before);
    const head = (b: number, t: number) => hidden[b]![t]!.reduce((s, x, d) => s + x * w[d]!, 0.3);
    // row 0: prompt [1, 2] then completion [4, 5, 6] at positions 2..4 → values from positions 1..3
    expect(values[0]![0]).toBe(0);
    expect(values[0]![1]).toBe(0);
    for (const t of [2, 3, 4]) expect(values[0]![t]).toBeCloseTo(head(0, t - 1), 5);
    // row 1: prompt [3], completion [7] at position 1 → value from position 0; padding 0
    expect(values[1]![1]).toBeCloseTo(head(1, 0), 5);
    expect(values[1]![2]).toBe(0);
    model.dispose();
  });

  it('trains the head with the trunk: gradients for every weight and both head tensors', () => {
    const model = PolicyWithValueHead.fromLanguageModel(CausalLM.random(CONFIG, 1), 2);
    const vars = model.trainableVariables();
    expect(vars.get(VALUE_HEAD_WEIGHT)).toBe(model.weight);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(model.tokenValues(packed))) as tf.Scalar, [...vars.values()]);
    expect(grads[model.weight.name]).toBeDefined();
    expect(grads[model.bias.name]).toBeDefined();
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });

  it('saves the HF policy plus value_head.safetensors and loads back to the same values', async () => {
    const model = PolicyWithValueHead.fromLanguageModel(CausalLM.random(CONFIG, 1), 2);
    tf.tidy(() => model.bias.assign(tf.tensor1d([-0.7])));
    const out = path.join(dir, 'saved');
    await model.save(out);
    const back = await PolicyWithValueHead.load(out);
    const a = tf.tidy(() => Array.from(model.tokenValues(packed).dataSync()));
    const b = tf.tidy(() => Array.from(back.tokenValues(packed).dataSync()));
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 6));
    expect(Array.from(back.bias.dataSync())[0]).toBeCloseTo(-0.7, 6);
    // the directory is a plain causal LM too
    const plain = await CausalLM.load(out);
    expect(await plain.fingerprint()).toBe(await model.fingerprint());
    plain.dispose();
    expect(VALUE_HEAD_BIAS).toBe('v_head.summary.bias');
    expect(VALUE_HEAD_FILE).toBe('value_head.safetensors');
    model.dispose();
    back.dispose();
  });

  it('gives a plain SFT directory a fresh head', async () => {
    const lm = CausalLM.random(CONFIG, 5);
    const out = path.join(dir, 'plain');
    await lm.save(out);
    const model = await PolicyWithValueHead.load(out, { seed: 9 });
    expect(Array.from(model.bias.dataSync())).toEqual([0]);
    expect(await model.fingerprint()).toBe(await lm.fingerprint());
    lm.dispose();
    model.dispose();
  });
});
