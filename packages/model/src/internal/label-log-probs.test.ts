import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Tensor } from '@prefstream/core';
import { labelLogProbs } from './label-log-probs.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('labelLogProbs', () => {
  it('value and gradient equal logSoftmax + gather composed from tfjs ops, also for huge logits', () => {
    const x = tf.tensor2d([[1, 2, 3, 0.5], [1e4, -1e4, 0, 3], [0, 0, 0, 0]]);
    const labels = tf.tensor1d([2, 0, 3], 'int32');
    const w = tf.tensor1d([1, -2, 0.5]);
    const ours = tf.grad((l: Tensor) => tf.sum(tf.mul(labelLogProbs(l as typeof x, labels), w)))(x);
    const ref = tf.grad((l: Tensor) => tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(l as typeof x), tf.cast(tf.oneHot(labels, 4), 'float32')), -1), w)))(x);
    const value = labelLogProbs(x, labels).arraySync();
    expect(value[0]).toBeCloseTo(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(0.5)), 5);
    expect(value[1]).toBeCloseTo(0, 5);
    expect(value[2]).toBeCloseTo(-Math.log(4), 6);
    const a = ours.arraySync() as number[][];
    (ref.arraySync() as number[][]).forEach((row, i) => row.forEach((r, j) => expect(a[i]![j]).toBeCloseTo(r, 5)));
    tf.dispose([x, labels, w, ours, ref]);
  });
});
