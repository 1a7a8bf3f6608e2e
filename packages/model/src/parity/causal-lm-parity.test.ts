/**
 * Logits of CausalLM against the independent PyTorch reference (tools/parity/reference.py), which
 * follows Hugging Face transformers' modeling code. Both padding sides, every architecture variant,
 * and the real transformers-written GPT-2 checkpoint.
 */
import path from 'node:path';
import { initBackend, tf } from '@prefstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalLM } from '../causal-lm.js';
import { FIXTURES_DIR, HF_GPT2_TINY_DIR, RANDOM_FIXTURES, maxLogitDiff, maxLogsumexpDiff, readExpectations, type ExpectedBatch } from './expected-logits.js';

/** (B·T·V) logits of one expectation batch; disposes everything it creates. */
async function logitsOf(model: CausalLM, batch: ExpectedBatch): Promise<Float32Array> {
  const B = batch.input_ids.length;
  const T = batch.input_ids[0]!.length;
  const logits = tf.tidy(() => {
    const ids = tf.tensor2d(batch.input_ids.flat(), [B, T], 'int32');
    const mask = tf.tensor2d(batch.attention_mask.flat(), [B, T], 'int32');
    return model.forward(ids, mask); // (B, T, V)
  });
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe.each(RANDOM_FIXTURES)('parity with the PyTorch reference: %s', (name) => {
  const expected = readExpectations(name);
  let model: CausalLM;
  beforeAll(async () => {
    model = await CausalLM.load(path.join(FIXTURES_DIR, name));
  });
  afterAll(() => model.dispose());

  it.each(expected.batches.map((b) => [b.name, b] as const))('%s batch: logits within 1e-4', async (_label, batch) => {
    const before = tf.memory().numTensors;
    const actual = await logitsOf(model, batch);
    expect(tf.memory().numTensors).toBe(before);
    const V = model.config.vocabSize;
    expect(actual.length).toBe(batch.input_ids.length * batch.input_ids[0]!.length * V);
    expect(maxLogitDiff(actual, V, batch)).toBeLessThanOrEqual(expected.tolerance);
  });
});

describe('parity on the real transformers GPT-2 checkpoint (hf-gpt2-tiny)', () => {
  const expected = readExpectations('hf-gpt2-tiny');
  let model: CausalLM;
  beforeAll(async () => {
    model = await CausalLM.load(HF_GPT2_TINY_DIR);
  });
  afterAll(() => model.dispose());

  it.each(expected.batches.map((b) => [b.name, b] as const))('%s batch: logits of ids 0–63 and the full-row log-sum-exp within 1e-4', async (_label, batch) => {
    const actual = await logitsOf(model, batch);
    expect(model.config.vocabSize).toBe(50257);
    expect(maxLogitDiff(actual, 50257, batch, expected.vocab_slice)).toBeLessThanOrEqual(expected.tolerance);
    expect(maxLogsumexpDiff(actual, 50257, batch)).toBeLessThanOrEqual(expected.tolerance);
  });
});
