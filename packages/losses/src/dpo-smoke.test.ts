/**
 * End-to-end smoke run on a tiny random GPT-2: referenceLogps → preferenceLoss stage. With the
 * policy equal to the reference, h = 0 for every pair, so the DPO loss is −logσ(0) = ln 2 and every
 * reward metric is 0 — a closed form for the whole chain.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend, makeBatch, tf, tokenListVector, type Batch, type GradientBatch } from '@prefstream/core';
import { CausalLM, parseModelConfig } from '@prefstream/model';
import { from, lastValueFrom, toArray } from 'rxjs';
import { preferenceLoss } from './preference-loss.js';
import { referenceLogps } from './reference-logps.js';
import { testContext } from './test-support/stage-context.js';

const CONFIG = { model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 16 };
let policy: CausalLM;
let reference: CausalLM;
let baseline: number;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  policy = CausalLM.random(parseModelConfig(CONFIG), 3);
  reference = CausalLM.random(parseModelConfig(CONFIG), 3);
  baseline = tf.memory().numTensors; // the two models' weights
});
afterAll(() => {
  policy.dispose();
  reference.dispose();
});

it('DPO on a tiny GPT-2: loss ln 2 at the reference, gradients for every weight', async () => {
  const batch: Batch = makeBatch({
    prompt_ids: tokenListVector([[1, 2, 3], [4]]),
    chosen_ids: tokenListVector([[5, 6], [7, 8, 9]]),
    rejected_ids: tokenListVector([[10], [11, 12]]),
  });
  const ctx = testContext({ policy, reference });
  const addReference = referenceLogps.create(referenceLogps.options.parse({ cache: false, microBatchSize: 2 }), ctx);
  const loss = preferenceLoss.create(preferenceLoss.options.parse({ loss: 'sigmoid', beta: 0.1 }), ctx);
  const items = await lastValueFrom(from([batch]).pipe(addReference, loss, toArray()));
  const out = items[0] as GradientBatch | undefined;
  try {
    expect(out!.loss).toBeCloseTo(Math.LN2, 5);
    expect(out!.metrics['rewards/margins']).toBeCloseTo(0, 5);
    expect(out!.rows).toBe(2);
    expect(out!.tokens).toBe(5 + 4 + 4 + 3); // prompt + completion tokens of the 4 packed rows
    expect(Object.keys(out!.gradients).sort()).toEqual([...policy.trainableVariables().keys()].sort());
    for (const g of Object.values(out!.gradients)) for (const x of g.dataSync()) expect(Number.isFinite(x)).toBe(true);
    const norm = tf.tidy(() => Math.sqrt(Object.values(out!.gradients).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0]!, 0)));
    expect(norm).toBeGreaterThan(0);
  } finally {
    tf.dispose(Object.values(out!.gradients));
  }
  expect(tf.memory().numTensors).toBe(baseline); // both stages left nothing behind
});
