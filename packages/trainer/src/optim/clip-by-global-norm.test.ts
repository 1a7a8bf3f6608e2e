import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { globalNorm } from './global-norm.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

/** Runs the clip on `grads` and reads everything back, freeing all tensors. */
function clip(maxNorm: number, grads: Record<string, number[]>) {
  const tensors = Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, tf.tensor1d(v)]));
  const tx = clipByGlobalNorm(maxNorm);
  const { updates, stats } = tx.update(tensors, tx.init(tensors), tensors, 0);
  const out = Object.fromEntries(Object.entries(updates).map(([k, t]) => [k, Array.from(t.dataSync())]));
  const norm = stats.grad_norm!.dataSync()[0]!;
  tf.dispose([tensors, updates, stats]);
  return { out, norm };
}

describe('clipByGlobalNorm', () => {
  it('scales by maxNorm/‖g‖ across all tensors when the norm is too large', () => {
    // ‖g‖ = √(3² + 4² + 12²) = 13; × 6.5/13 = ½
    const { out, norm } = clip(6.5, { a: [3, 4], b: [12] });
    expect(norm).toBeCloseTo(13, 5);
    expect(out.a![0]).toBeCloseTo(1.5, 6);
    expect(out.a![1]).toBeCloseTo(2, 6);
    expect(out.b![0]).toBeCloseTo(6, 6);
  });

  it('leaves small gradients (and zero gradients) unchanged', () => {
    expect(clip(20, { a: [3, 4], b: [12] }).out).toEqual({ a: [3, 4], b: [12] });
    const zero = clip(1, { a: [0, 0] });
    expect(zero.out).toEqual({ a: [0, 0] });
    expect(zero.norm).toBe(0);
  });

  it('propagates a non-finite norm instead of hiding it', () => {
    expect(clip(1, { a: [Number.NaN, 1] }).norm).toBeNaN();
    expect(clip(1, { a: [Number.POSITIVE_INFINITY, 1] }).norm).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects a non-positive maxNorm and an empty gradient set', () => {
    expect(() => clipByGlobalNorm(0)).toThrow(/maxNorm/);
    expect(() => globalNorm({})).toThrow(/no tensors/);
  });
});
