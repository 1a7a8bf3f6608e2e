import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, makeBatch, tf, int32Vector, type GradientBatch } from '@prefstream/core';
import { GradientAccumulator } from './gradient-accumulator.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

function item(grads: Record<string, number[]>, rows: number, loss: number, metrics: Record<string, number> = {}): GradientBatch {
  const gradients = Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, tf.tensor1d(v)]));
  return { kind: 'gradients', batch: makeBatch({ x: int32Vector(new Array(rows).fill(0)) }), gradients, loss, rows, tokens: 10 * rows, metrics };
}

describe('GradientAccumulator', () => {
  it('averages gradients, loss and metrics weighted by rows; a missing gradient counts as zero', () => {
    const acc = new GradientAccumulator();
    const before = tf.memory().numTensors;
    const first = item({ a: [2], b: [4] }, 1, 1.0, { 'rewards/margins': 0.5 });
    const second = item({ a: [6] }, 3, 2.0, { 'rewards/margins': 1.5 });
    acc.add(first, 0);
    tf.dispose(first.gradients);
    acc.add(second, 1);
    tf.dispose(second.gradients);
    const out = acc.take();
    // a: (1·2 + 3·6)/4 = 5; b: (1·4 + 3·0)/4 = 1; loss (1·1 + 3·2)/4 = 1.75; margins (0.5 + 4.5)/4 = 1.25
    expect(out.gradients.a!.dataSync()[0]).toBeCloseTo(5, 6);
    expect(out.gradients.b!.dataSync()[0]).toBeCloseTo(1, 6);
    expect(out).toMatchObject({ loss: 1.75, rows: 4, tokens: 40, microBatches: 2, batchIndices: [0, 1], nonFiniteLoss: false, metrics: { 'rewards/margins': 1.25 } });
    tf.dispose(out.gradients);
    expect(tf.memory().numTensors).toBe(before);
    expect(acc.microBatches).toBe(0);
  });

  it('flags a non-finite loss, rejects a bad row count, and frees on dispose', () => {
    const acc = new GradientAccumulator();
    const before = tf.memory().numTensors;
    const bad = item({ a: [1] }, 2, Number.NaN);
    acc.add(bad, 4);
    expect(() => acc.add({ ...bad, rows: 0 }, 5)).toThrow(/rows = 0/);
    tf.dispose(bad.gradients);
    const out = acc.take();
    expect(out.nonFiniteLoss).toBe(true);
    expect(out.loss).toBeNaN();
    tf.dispose(out.gradients);
    const held = item({ a: [1] }, 1, 0);
    acc.add(held, 6);
    tf.dispose(held.gradients);
    acc.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => acc.take()).toThrow(/nothing accumulated/);
  });
});
