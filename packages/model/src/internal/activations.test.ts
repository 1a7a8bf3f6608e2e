import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Tensor } from '@prefstream/core';
import { activation } from './activations.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

/** The textbook forms, composed from tfjs ops (autograd differentiates them). */
const REFERENCE: Record<string, (x: Tensor) => Tensor> = {
  gelu_new: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)))))),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
};

describe.each(Object.keys(REFERENCE))('activation %s', (name) => {
  it('value and gradient equal the textbook form, including large |x|', () => {
    const x = tf.tensor2d([[-30, -3, -1, -0.1, 0], [0.1, 0.5, 1, 3, 30]]);
    const ours = activation(name);
    const ref = REFERENCE[name]!;
    const [v, rv] = [ours(x as never).arraySync() as number[][], ref(x).arraySync() as number[][]];
    const [g, rg] = [tf.grad((t: Tensor) => tf.sum(ours(t as never)))(x).arraySync() as number[][], tf.grad((t: Tensor) => tf.sum(ref(t)))(x).arraySync() as number[][]];
    rv.forEach((row, i) => row.forEach((r, j) => expect(v[i]![j]).toBeCloseTo(r, 5)));
    rg.forEach((row, i) => row.forEach((r, j) => expect(g[i]![j]).toBeCloseTo(r, 5)));
    x.dispose();
  });
});

it('names the supported activations when one is unknown', () => {
  expect(() => activation('gelu_erf')).toThrow(/activation "gelu_erf" is not supported; supported: gelu_new, .*silu/);
});
