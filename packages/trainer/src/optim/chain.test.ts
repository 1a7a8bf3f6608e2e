import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type NamedTensorMap } from '@prefstream/core';
import { addDecayedWeights } from './add-decayed-weights.js';
import { chain } from './chain.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { disposeState, stateSlots } from './gradient-transform.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('chain (used directly, optax style)', () => {
  it('composes transforms in order, merges stats, and frees its intermediates', () => {
    const params: NamedTensorMap = { w: tf.tensor1d([2, -4]) };
    const grads: NamedTensorMap = { w: tf.tensor1d([6, 8]) }; // ‖g‖ = 10
    const tx = chain(clipByGlobalNorm(5), addDecayedWeights(0.5), scaleByLearningRate(0.1));
    const state = tx.init(params);
    const before = tf.memory().numTensors;
    const { updates, stats } = tx.update(grads, state, params, 0);
    // clip: [3, 4]; + 0.5·p: [4, 2]; × −0.1: [−0.4, −0.2]
    expect(Array.from(updates.w!.dataSync())).toEqual([expect.closeTo(-0.4, 6), expect.closeTo(-0.2, 6)]);
    expect(stats.grad_norm!.dataSync()[0]).toBeCloseTo(10, 5);
    expect(tf.memory().numTensors).toBe(before + 2); // exactly the returned update and the stat
    expect(grads.w!.isDisposed).toBe(false); // borrowed, not consumed
    tf.dispose([updates, stats, params, grads]);
    disposeState(state);
  });

  it('names the state slots of every transform, stably', () => {
    const params: NamedTensorMap = { 'layer.weight': tf.zeros([2, 3]), 'layer.bias': tf.zeros([3]) };
    const state = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3)).init(params);
    const slots = stateSlots(state);
    expect([...slots.keys()].sort()).toEqual(['adam.m/layer.bias', 'adam.m/layer.weight', 'adam.v/layer.bias', 'adam.v/layer.weight']);
    expect(slots.get('adam.v/layer.weight')!.shape).toEqual([2, 3]);
    expect([...slots.values()].every((v) => !v.trainable)).toBe(true); // never picked up by tf.variableGrads
    disposeState(state);
    tf.dispose(params);
  });

  it('reports a missing gradient by parameter name and a non-finite learning rate by step', () => {
    const params: NamedTensorMap = { a: tf.zeros([1]), b: tf.zeros([1]) };
    const adam = scaleByAdam();
    const state = adam.init(params);
    const c = tf.zeros([1]);
    expect(() => adam.update({ c }, state, params, 0)).toThrow(/no state for parameter "c"/);
    c.dispose();
    const lr = scaleByLearningRate(() => Number.NaN);
    expect(() => lr.update({ a: params.a! }, lr.init(params), params, 3)).toThrow(/learning rate at step 3 is NaN/);
    expect(() => chain()).toThrow(/at least one/);
    disposeState(state);
    tf.dispose(params);
  });
});
