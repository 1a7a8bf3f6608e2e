/** The README's quick start, verbatim in substance, so it keeps running. */
import { expect, it } from 'vitest';
import { initBackend, tf, type Tensor1D } from '@prefstream/core';
import { preferenceLoss, readMetrics } from './index.js';

it('README quick start', async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  const t = (v: number[]) => tf.tensor1d(v) as Tensor1D;
  const { loss, metrics } = tf.tidy(() => {
    const out = preferenceLoss(
      ['sigmoid', 'sft'],
      { chosenLogps: t([-10]), rejectedLogps: t([-12]), refChosenLogps: t([-11]), refRejectedLogps: t([-11.5]), chosenLength: t([10]) },
      { beta: 0.1, weights: [1, 0.5] },
    );
    return { loss: tf.mean(out.losses).dataSync()[0]!, metrics: readMetrics(out.metrics) };
  });
  expect(loss).toBeCloseTo(1.120957, 5); // 0.6209570478 + 0.5·1
  expect(metrics['loss/sigmoid']).toBeCloseTo(0.620957, 5);
  expect(metrics['loss/sft']).toBeCloseTo(1, 6);
  expect(metrics['rewards/margins']).toBeCloseTo(0.15, 6);
});
