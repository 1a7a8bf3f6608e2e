import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Variable } from '@prefstream/core';
import { createOptimizer } from './optimizer.js';
import type { OptimizerConfigInput } from './optimizer-config.js';

/*
 * Two steps of each optimizer on p0 = [1, −2] with the given gradients g1 = [0.5, −1], g2 = [1, 0.5],
 * compared with the torch.optim update rules evaluated in float64 (lr 0.1 unless noted, no clipping).
 *
 * Adam (torch.optim.Adam, Kingma & Ba Alg. 1):
 *   t=1: m = 0.1·g1, v = 0.001·g1², m̂ = g1, v̂ = g1² → u = g1/(|g1|+ε) ≈ sign(g1) → p1 = [0.9, −1.9]
 *   t=2: m = 0.09·g1 + 0.1·g2 = [0.145, −0.04],  m̂ = m/0.19 = [0.763158, −0.210526]
 *        v = 0.000999·g1² + 0.001·g2² = [0.00124975, 0.00124900], v̂ = v/0.001999 = [0.625188, 0.624812]
 *        u = m̂/(√v̂+ε) = [0.965181, −0.266337] → p2 = p1 − 0.1·u = [0.803482, −1.873366]
 * AdamW (torch.optim.AdamW, λ = 0.1): p ← p − lr·(m̂/(√v̂+ε) + λ·p)
 *   t=1: p1 = [1 − 0.1·(1 + 0.1), −2 − 0.1·(−1 − 0.2)] = [0.89, −1.88]
 *   t=2: p2 = p1 − 0.1·(u + 0.1·p1) = [0.784582, −1.834566]
 * SGD: p1 = p0 − 0.1·g1 = [0.95, −1.9], p2 = p1 − 0.1·g2 = [0.85, −1.95]
 * SGD momentum μ = 0.9 (torch.optim.SGD): b1 = g1, b2 = 0.9·g1 + g2 = [1.45, −0.4]
 *   p1 = p0 − 0.1·g1 = [0.95, −1.9];  p2 = p1 − 0.1·b2 = [0.805, −1.86]
 *   Nesterov: u = g + μ·b → u1 = 1.9·g1, u2 = g2 + 0.9·b2 = [2.305, 0.14] → p1 = [0.905, −1.81], p2 = [0.6745, −1.824]
 * RMSprop (torch.optim.RMSprop, α = 0.99, lr 0.01): v1 = 0.01·g1², u1 = g1/(0.1·|g1|) = 10·sign(g1) → p1 = [0.9, −1.9]
 *   v2 = 0.99·v1 + 0.01·g2² = [0.012475, 0.0124], u2 = g2/√v2 = [8.953181, 4.490133] → p2 = p1 − 0.01·u2 = [0.810468, −1.944901]
 */
const p0 = [1, -2];
const grads = [
  [0.5, -1],
  [1, 0.5],
];
const cases: { config: OptimizerConfigInput; expected: [number[], number[]] }[] = [
  { config: { name: 'adam', learningRate: 0.1, maxGradNorm: null }, expected: [[0.9, -1.9], [0.8034818006, -1.8733662974]] },
  { config: { name: 'adamw', learningRate: 0.1, weightDecay: 0.1, maxGradNorm: null }, expected: [[0.89, -1.88], [0.7845818006, -1.8345662974]] },
  { config: { name: 'sgd', learningRate: 0.1, maxGradNorm: null }, expected: [[0.95, -1.9], [0.85, -1.95]] },
  { config: { name: 'sgd', learningRate: 0.1, momentum: 0.9, maxGradNorm: null }, expected: [[0.95, -1.9], [0.805, -1.86]] },
  { config: { name: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, maxGradNorm: null }, expected: [[0.905, -1.81], [0.6745, -1.824]] },
  { config: { name: 'rmsprop', learningRate: 0.01, maxGradNorm: null }, expected: [[0.9, -1.9], [0.8104677318, -1.9449013315]] },
];

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

function run(config: OptimizerConfigInput): number[][] {
  const w: Variable = tf.tidy(() => tf.variable(tf.tensor1d(p0)));
  const opt = createOptimizer(config, new Map([['w', w]]));
  const seen: number[][] = [];
  for (const g of grads) {
    const gt = tf.tensor1d(g);
    opt.apply({ w: gt });
    gt.dispose();
    seen.push(Array.from(w.dataSync()));
  }
  opt.dispose();
  w.dispose();
  return seen;
}

describe('named optimizers, two steps against torch.optim formulas', () => {
  for (const { config, expected } of cases) {
    it(`${JSON.stringify(config)}`, () => {
      const seen = run(config);
      for (let s = 0; s < 2; s++) {
        for (let i = 0; i < 2; i++) expect(seen[s]![i]).toBeCloseTo(expected[s]![i]!, 5);
      }
    });
  }

  it('excludes parameters from weight decay by pattern', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1]))), b = tf.tidy(() => tf.variable(tf.tensor1d([1])));
    const opt = createOptimizer({ name: 'adamw', learningRate: 0.1, weightDecay: 0.5, weightDecayExclude: ['^bias$'], maxGradNorm: null }, new Map([['weight', w], ['bias', b]]));
    const g = { weight: tf.tensor1d([1]), bias: tf.tensor1d([1]) };
    opt.apply(g);
    // weight: 1 − 0.1·(1 + 0.5·1) = 0.85; bias: 1 − 0.1·1 = 0.9
    expect(w.dataSync()[0]).toBeCloseTo(0.85, 6);
    expect(b.dataSync()[0]).toBeCloseTo(0.9, 6);
    tf.dispose([w, b, g.weight, g.bias]);
    opt.dispose();
  });

  it('clips before the update and reports the pre-clip norm and the learning rate', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([0, 0])));
    const opt = createOptimizer({ name: 'sgd', learningRate: 0.5, maxGradNorm: 1 }, new Map([['w', w]]));
    const g = tf.tensor1d([3, 4]); // ‖g‖ = 5 → clipped to [0.6, 0.8]
    const report = opt.apply({ w: g });
    expect(report.stats.grad_norm).toBeCloseTo(5, 5);
    expect(report.learningRate).toBe(0.5);
    expect(Array.from(w.dataSync())).toEqual([expect.closeTo(-0.3, 6), expect.closeTo(-0.4, 6)]);
    tf.dispose([w, g]);
    opt.dispose();
  });
});
