import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Tensor, type Tensor1D, type Tensor2D } from '@prefstream/core';
import { layerNorm, rmsNorm } from './norms.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

/** The textbook forms composed from tfjs ops; autograd differentiates them. */
const reference = {
  layer: (x: Tensor2D, g: Tensor1D, b: Tensor1D) => {
    const xc = tf.sub(x, tf.mean(x, -1, true));
    return tf.add(tf.mul(tf.div(xc, tf.sqrt(tf.add(tf.mean(tf.square(xc), -1, true), 1e-5))), g), b);
  },
  rms: (x: Tensor2D, g: Tensor1D) => tf.mul(tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5))), g),
};

describe('layerNorm / rmsNorm', () => {
  it.each(['layer', 'rms'] as const)('%s: value and gradients (x, γ, β) match the composed form, γ a variable or not', (kind) => {
    const x = tf.tensor2d([[1, -2, 3, 0.5], [10, 10.5, 9, 11], [-1e3, 2e3, 0, 5]]);
    const gv = tf.variable(tf.tensor1d([1.5, -0.5, 2, 1]));
    const b = tf.tensor1d([0.1, 0.2, -0.3, 0]);
    const w = tf.tensor2d([[1, 2, 3, 4], [-1, 0, 1, 2], [0.5, 0.5, -2, 1]]); // a non-uniform upstream gradient
    for (const gamma of [gv as Tensor1D, tf.tensor1d([1.5, -0.5, 2, 1])]) {
      const ours = (xx: Tensor, g: Tensor, bb: Tensor) => (kind === 'layer' ? layerNorm(xx as Tensor2D, g as Tensor1D, bb as Tensor1D, 1e-5) : rmsNorm(xx as Tensor2D, g as Tensor1D, 1e-5));
      const ref = (xx: Tensor, g: Tensor, bb: Tensor) => (kind === 'layer' ? reference.layer(xx as Tensor2D, g as Tensor1D, bb as Tensor1D) : reference.rms(xx as Tensor2D, g as Tensor1D));
      const loss = (fn: (xx: Tensor, g: Tensor, bb: Tensor) => Tensor) => (xx: Tensor, g: Tensor, bb?: Tensor) => tf.sum(tf.mul(fn(xx, g, bb ?? b), w));
      const inputs = kind === 'layer' ? [x, gamma, b] : [x, gamma]; // RMSNorm has no β
      const a = tf.grads(loss(ours))(inputs).map((t) => t.arraySync());
      const r = tf.grads(loss(ref))(inputs).map((t) => t.arraySync());
      expect(ours(x, gamma, b).arraySync()).toEqual((ref(x, gamma, b).arraySync() as number[][]).map((row) => row.map((v) => expect.closeTo(v, 4))));
      for (let i = 0; i < inputs.length; i++) expect(a[i]).toEqual(JSON.parse(JSON.stringify(r[i]), (_k, v) => (typeof v === 'number' ? expect.closeTo(v, 4) : v)));
    }
  });
});
