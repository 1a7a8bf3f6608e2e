/**
 * The GRPO objective on the wasm backend against the cpu reference backend: loss, per-sequence
 * losses, metrics and the gradient w.r.t. the token log-probs, for every aggregation, with both
 * clip sides active and the k3 term on.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend, tf, type Tensor, type Tensor1D, type Tensor2D } from '@prefstream/core';
import { GRPO_LOSS_TYPES } from './grpo-aggregations.js';
import { computeGrpoLoss } from './grpo-loss.js';

let main = 'wasm';
beforeAll(async () => {
  main = (await initBackend({ prefer: 'wasm', log: () => {} })).tfName;
});
afterAll(async () => {
  await tf.setBackend(main);
});

const LOGPS = [[-1.0, -0.5, -2.5, 0], [-2.0, -1.0, -0.3, -0.7], [-0.2, -3.1, 0, 0]];
const OLD = [[-1.2, -0.5, -2.4, 0], [-1.5, -1.0, -0.1, -0.9], [-0.6, -2.9, 0, 0]];
const REF = [[-1.1, -0.4, -2.0, 0], [-2.0, -1.5, 0.0, -1.0], [-0.3, -3.0, 0, 0]];
const MASK = [[1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 0, 0]];
const ADV = [1.0, -2.0, 0.5];

function evaluate(lossType: (typeof GRPO_LOSS_TYPES)[number]): number[] {
  return tf.tidy(() => {
    let extra: number[] = [];
    const { value, grads } = tf.valueAndGrads((x: Tensor) => {
      const r = computeGrpoLoss(
        { logps: x as Tensor2D, oldLogps: tf.tensor2d(OLD) as Tensor2D, refLogps: tf.tensor2d(REF) as Tensor2D, advantages: tf.tensor1d(ADV) as Tensor1D, mask: tf.tensor2d(MASK) as Tensor2D },
        { epsilon: 0.2, epsilonHigh: 0.25, beta: 0.1, lossType, maxCompletionLength: 4 },
      );
      extra = [...r.perSequence.dataSync(), ...Object.values(r.metrics).map((m) => m.dataSync()[0]!)];
      return r.loss;
    })([tf.tensor2d(LOGPS)]);
    return [...value.dataSync(), ...extra, ...grads.flatMap((g) => Array.from(g.dataSync()))];
  });
}

it.each(GRPO_LOSS_TYPES)('%s: wasm matches the cpu reference', async (lossType) => {
  await tf.setBackend(main);
  const fast = evaluate(lossType);
  await tf.setBackend('cpu');
  const reference = evaluate(lossType);
  await tf.setBackend(main);
  expect(fast).toHaveLength(reference.length);
  fast.forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(reference[i]!))));
});
