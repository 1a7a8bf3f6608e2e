import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Scalar, type Tensor2D } from '@prefstream/core';
import { ppoPolicyLoss, ppoValueLoss } from './ppo-losses.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const t2 = (rows: number[][]) => tf.tensor2d(rows) as Tensor2D;

describe('ppoPolicyLoss', () => {
  // Four tokens, one per side of the clip: ρ = e^{±0.5} with A = ±1, ε = 0.2, and a masked fifth.
  const logps = [[0.5, 0.5, -0.5, -0.5, 3]];
  const old = [[0, 0, 0, 0, 0]];
  const adv = [[1, -1, 1, -1, 9]];
  const mask = [[1, 1, 1, 1, 0]];
  const up = Math.exp(0.5);
  const down = Math.exp(-0.5);
  // A>0, ρ>1+ε: max(−ρ, −1.2) = −1.2 (clipped, no gradient)
  // A<0, ρ>1+ε: max(ρ, 1.2) = ρ
  // A>0, ρ<1−ε: max(−ρ, −0.8) = −ρ
  // A<0, ρ<1−ε: max(ρ, 0.8) = 0.8 (clipped, no gradient)
  const expected = (-1.2 + up - down + 0.8) / 4;

  it('takes the pessimistic term on both sides of the clip; clipfrac counts the clipped tokens', () => {
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => {
      const r = ppoPolicyLoss({ logps: t2(logps), oldLogps: t2(old), advantages: t2(adv), mask: t2(mask) }, 0.2);
      return [r.loss.dataSync()[0]!, r.clipfrac.dataSync()[0]!, r.approxkl.dataSync()[0]!];
    });
    expect(out[0]).toBeCloseTo(expected, 6);
    expect(out[1]).toBeCloseTo(0.5, 6);
    expect(out[2]).toBeCloseTo(0.5 * 0.25, 6); // ½·mean(0.5²)
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has the gradient of a finite difference: −A·ρ/N on unclipped tokens, 0 on clipped and masked ones', () => {
    const f = (x: tf.Tensor) => ppoPolicyLoss({ logps: x as Tensor2D, oldLogps: t2(old), advantages: t2(adv), mask: t2(mask) }, 0.2).loss;
    const grad = tf.tidy(() => Array.from(tf.grad(f)(t2(logps)).dataSync()));
    expect(grad[0]).toBeCloseTo(0, 6);
    expect(grad[1]).toBeCloseTo(up / 4, 5);
    expect(grad[2]).toBeCloseTo(-down / 4, 5);
    expect(grad[3]).toBeCloseTo(0, 6);
    expect(grad[4]).toBeCloseTo(0, 6);
    const h = 1e-2;
    for (let i = 0; i < 5; i++) {
      const plus = logps.map((row) => row.map((v, j) => (j === i ? v + h : v)));
      const minus = logps.map((row) => row.map((v, j) => (j === i ? v - h : v)));
      const numeric = tf.tidy(() => ((f(t2(plus)) as Scalar).dataSync()[0]! - (f(t2(minus)) as Scalar).dataSync()[0]!) / (2 * h));
      expect(grad[i]).toBeCloseTo(numeric, 3);
    }
  });

  it('equals −mean(A) at ρ = 1 (first minibatch of a rollout), with no clipping', () => {
    const out = tf.tidy(() => {
      const r = ppoPolicyLoss({ logps: t2([[-1, -2]]), oldLogps: t2([[-1, -2]]), advantages: t2([[0.5, 1.5]]), mask: t2([[1, 1]]) }, 0.2);
      return [r.loss.dataSync()[0]!, r.clipfrac.dataSync()[0]!];
    });
    expect(out[0]).toBeCloseTo(-1, 6);
    expect(out[1]).toBe(0);
  });
});

describe('ppoValueLoss', () => {
  it('is ½·mean max((V−R)², (clip(V, V_old ± c) − R)²) on both sides, with its gradient', () => {
    // token 0: V=1, V_old=0, R=0 → max(1, 0.04) = 1 (unclipped), ∂/∂V = 2(V−R) = 2
    // token 1: V=1, V_old=0, R=2 → max(1, 3.24) = 3.24 (clipped), ∂/∂V = 0
    // token 2: V=−1, V_old=0, R=−3 → max(4, 7.84) = 7.84 (clipped), ∂/∂V = 0
    // token 3: V=0.1, V_old=0, R=1 → max(0.81, 0.81) = 0.81 (inside the clip), ∂/∂V = −1.8
    const V = [[1, 1, -1, 0.1]];
    const f = (v: tf.Tensor) => ppoValueLoss({ values: v as Tensor2D, oldValues: t2([[0, 0, 0, 0]]), returns: t2([[0, 2, -3, 1]]), mask: t2([[1, 1, 1, 1]]) }, 0.2);
    const before = tf.memory().numTensors;
    const [loss, clipfrac, grad] = tf.tidy(() => {
      const r = f(t2(V));
      return [r.loss.dataSync()[0]!, r.clipfrac.dataSync()[0]!, Array.from(tf.grad((v) => f(v).loss)(t2(V)).dataSync())];
    }) as [number, number, number[]];
    expect(tf.memory().numTensors).toBe(before);
    expect(loss).toBeCloseTo((0.5 * (1 + 3.24 + 7.84 + 0.81)) / 4, 5);
    expect(clipfrac).toBeCloseTo(0.5, 6);
    [2, 0, 0, -1.8].forEach((g, i) => expect(grad[i]).toBeCloseTo((0.5 * g) / 4, 5));
  });
});
