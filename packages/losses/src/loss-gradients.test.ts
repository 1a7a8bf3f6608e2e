import { beforeAll, describe, expect, it } from 'vitest';
import { float32Vector, initBackend, makeBatch, tf, type Scalar } from '@prefstream/core';
import { countTokens, lossGradients } from './loss-gradients.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('lossGradients', () => {
  it('keys gradients by stable name, reads loss and metrics, and leaks nothing', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, 'w#loss-gradients-test');
    const batch = makeBatch({ x: float32Vector([1, 2]) });
    const before = tf.memory().numTensors;
    // L = Σ w², ∂L/∂w = 2w
    const out = lossGradients(batch, new Map([['layer.weight', w]]), 7, () => ({ loss: tf.sum(tf.square(w)) as Scalar, metrics: { 'w/mean': tf.mean(w) as Scalar } }));
    expect(out).toMatchObject({ kind: 'gradients', loss: 14, rows: 2, tokens: 7 });
    expect(out.metrics['w/mean']).toBeCloseTo(2 / 3, 6);
    expect(Object.keys(out.gradients)).toEqual(['layer.weight']);
    expect(Array.from(out.gradients['layer.weight']!.dataSync())).toEqual([2, -4, 6]);
    tf.dispose(out.gradients);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('counts real tokens of an attention mask', () => {
    expect(countTokens(Int32Array.from([1, 1, 0, 1, 0]))).toBe(3);
  });
});
