/**
 * Every loss type on the wasm backend against the cpu reference backend: values and gradients.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend, tf, type Tensor, type Tensor1D } from '@prefstream/core';
import { LOSS_REGISTRY, LOSS_TYPES } from './loss-registry.js';
import { preferenceLoss } from './preference-loss.js';
import { PreferenceLossOptions } from './preference-loss-options.js';
import { toInputs } from './test-support/tensors.js';

let main = 'wasm';
beforeAll(async () => {
  main = (await initBackend({ prefer: 'wasm', log: () => {} })).tfName;
});
afterAll(async () => {
  await tf.setBackend(main);
});

const VALUES = {
  chosenLogps: [-7.5, -0.3, -12],
  rejectedLogps: [-6.1, -2.2, -11],
  refChosenLogps: [-7, -1, -11.5],
  refRejectedLogps: [-6.5, -1.9, -12.5],
  chosenLength: [5, 1, 9],
  rejectedLength: [4, 2, 8],
  chosenReward: [0.3, 1.1, -0.4],
  rejectedReward: [0.9, -0.2, 0.1],
  refTargetLogps: [-3, -4, -5],
  preference: [0.7, 0.45, 0.9],
};
const OPTIONS = { beta: 0.3, gamma: 0.2, labelSmoothing: 0.05, lambda: 0.5 };

function lossAndGrads(type: (typeof LOSS_TYPES)[number]): number[] {
  return tf.tidy(() => {
    const { preference, ...rest } = VALUES;
    const base = toInputs(LOSS_REGISTRY[type].optional.includes('preference') ? { ...rest, preference } : rest);
    const names = (['chosenLogps', 'rejectedLogps'] as const).filter((n) => LOSS_REGISTRY[type].requires(PreferenceLossOptions.parse(OPTIONS)).includes(n));
    const { value, grads } = tf.valueAndGrads((...xs: Tensor[]) => {
      const inputs = { ...base };
      names.forEach((n, i) => (inputs[n] = xs[i] as Tensor1D));
      return preferenceLoss(type, inputs, OPTIONS).losses.sum();
    })(names.map((n) => base[n]!));
    return [value, ...grads].flatMap((t) => Array.from(t.dataSync()));
  });
}

it.each(LOSS_TYPES)('%s: wasm matches the cpu reference (values and gradients)', async (type) => {
  await tf.setBackend(main);
  const fast = lossAndGrads(type);
  await tf.setBackend('cpu');
  const reference = lossAndGrads(type);
  await tf.setBackend(main);
  fast.forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(reference[i]!))));
});
