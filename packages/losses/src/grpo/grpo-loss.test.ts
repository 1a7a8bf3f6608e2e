import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Tensor1D, type Tensor2D } from '@prefstream/core';
import { computeGrpoLoss, type GrpoLossOptions } from './grpo-loss.js';
import { detach } from './detach.js';
import { expectClose, expectNoLeak } from '../test-support/tensors.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

// Two sequences of 2 and 3 completion tokens (T = 3, row 0 padded). Hand derivation, ε = 0.2:
// row 0, A = 1: ratios e^0.2 = 1.2214 (clipped to 1.2: high clip) and 1 → ℓ = (−1.2 − 1)/2 = −1.1
// row 1, A = −2: ratios e^−0.5 = 0.6065 (clipped to 0.8: low clip), 1, e^−0.2 = 0.8187 →
//   ℓ = (1.6 + 2 + 1.6374615)/3 = 1.7458205
// grpo = (−1.1 + 1.7458205)/2 = 0.3229103; bnpo = (−2.2 + 5.2374615)/5; dr_grpo (L = 4) = Σ/(2·4)
const LOGPS = [[-1.0, -0.5, 0], [-2.0, -1.0, -0.3]];
const OLD = [[-1.2, -0.5, 0], [-1.5, -1.0, -0.1]];
const REF = [[-1.1, -0.4, 0], [-2.0, -1.5, 0.0]];
const MASK = [[1, 1, 0], [1, 1, 1]];
const ADV = [1.0, -2.0];

function evaluate(options: Partial<GrpoLossOptions>, logps = LOGPS): { loss: number; perSequence: number[]; metrics: Record<string, number> } {
  return tf.tidy(() => {
    const r = computeGrpoLoss(
      {
        logps: tf.tensor2d(logps) as Tensor2D,
        oldLogps: tf.tensor2d(OLD) as Tensor2D,
        refLogps: tf.tensor2d(REF) as Tensor2D,
        advantages: tf.tensor1d(ADV) as Tensor1D,
        mask: tf.tensor2d(MASK) as Tensor2D,
      },
      { epsilon: 0.2, beta: 0, lossType: 'grpo', ...options },
    );
    return {
      loss: r.loss.dataSync()[0]!,
      perSequence: Array.from(r.perSequence.dataSync()),
      metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v.dataSync()[0]!])),
    };
  });
}

describe('computeGrpoLoss', () => {
  it.each([
    ['grpo', {}, 0.3229102510259939],
    ['bnpo', { lossType: 'bnpo' as const }, 0.6074923012311928],
    ['dr_grpo', { lossType: 'dr_grpo' as const, maxCompletionLength: 4 }, 0.37968268826949547],
    ['grpo, ε_high = 0.3 (no high clip)', { epsilonHigh: 0.3 }, 0.31755956148595155],
    ['bnpo, ε_high = 0.3', { lossType: 'bnpo' as const, epsilonHigh: 0.3 }, 0.6032117495991589],
    ['grpo + β·k3, β = 0.1', { beta: 0.1 }, 0.3257669505502614],
    ['bnpo + β·k3', { lossType: 'bnpo' as const, beta: 0.1 }, 0.6108202572991976],
    ['dr_grpo + β·k3', { lossType: 'dr_grpo' as const, maxCompletionLength: 4, beta: 0.1 }, 0.3817626608119985],
  ])('%s matches the hand-computed value', (_, options, expected) => {
    const { loss, perSequence } = evaluate(options);
    expectClose(loss, expected, 1e-5);
    expectClose(perSequence.reduce((s, x) => s + x, 0) / 2, expected, 1e-5);
  });

  it('clips on both sides and counts each side as TRL does', () => {
    const { perSequence, metrics } = evaluate({});
    expectClose(perSequence[0]!, -1.1, 1e-6);
    expectClose(perSequence[1]!, (1.6 + 2 + 2 * Math.exp(-0.2)) / 3, 1e-6);
    expect(metrics['clip_ratio/low_mean']).toBeCloseTo(0.2, 6);
    expect(metrics['clip_ratio/high_mean']).toBeCloseTo(0.2, 6);
    expect(metrics['clip_ratio/region_mean']).toBeCloseTo(0.4, 6);
    expect(metrics.kl).toBeUndefined();
    expect(evaluate({ epsilonHigh: 0.3 }).metrics['clip_ratio/high_mean']).toBe(0);
  });

  it('k3 is the token mean of π_ref/π − log(π_ref/π) − 1', () => {
    const k3 = (d: number) => Math.exp(d) - d - 1;
    const expected = (k3(-0.1) + k3(0.1) + k3(0) + k3(-0.5) + k3(0.3)) / 5;
    expectClose(evaluate({ beta: 0.1 }).metrics.kl!, expected, 1e-5);
    expectClose(expected, 0.03327956068004876, 1e-12);
  });

  it('gradient w.r.t. the token log-probs matches the closed form and finite differences', () => {
    const beta = 0.1;
    const grad = tf.tidy(() =>
      Array.from(
        tf.grad((x: tf.Tensor) => computeGrpoLoss({ logps: x as Tensor2D, oldLogps: tf.tensor2d(OLD) as Tensor2D, refLogps: tf.tensor2d(REF) as Tensor2D, advantages: tf.tensor1d(ADV) as Tensor1D, mask: tf.tensor2d(MASK) as Tensor2D }, { epsilon: 0.2, beta, lossType: 'grpo' }).loss)(tf.tensor2d(LOGPS)).dataSync(),
      ),
    );
    // ∂ℓ/∂logp_t = (1/B)(1/n_b)·[−A·ratio·1(ratio unclipped or clip inactive) + β(1 − π_ref/π)]
    const n = [2, 3];
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 3; t++) {
        const i = b * 3 + t;
        if (!MASK[b]![t]) {
          expect(Math.abs(grad[i]!)).toBe(0);
          continue;
        }
        const ratio = Math.exp(LOGPS[b]![t]! - OLD[b]![t]!);
        const clipActive = (ADV[b]! > 0 && ratio > 1.2) || (ADV[b]! < 0 && ratio < 0.8);
        const expected = (1 / 2 / n[b]!) * ((clipActive ? 0 : -ADV[b]! * ratio) + beta * (1 - Math.exp(REF[b]![t]! - LOGPS[b]![t]!)));
        expectClose(grad[i]!, expected, 1e-5);
        const h = 1e-2;
        const plus = LOGPS.map((r) => [...r]);
        const minus = LOGPS.map((r) => [...r]);
        plus[b]![t]! += h;
        minus[b]![t]! -= h;
        const fd = (evaluate({ beta }, plus).loss - evaluate({ beta }, minus).loss) / (2 * h);
        expect(Math.abs(fd - grad[i]!), `token (${b}, ${t}): fd ${fd} vs ${grad[i]}`).toBeLessThan(2e-4);
      }
    }
  });

  it('on-policy (old = detach(logp)) the loss is −mean(A) and its gradient −A/(B·n_b)', () => {
    const out = tf.tidy(() => {
      const f = (x: tf.Tensor) => computeGrpoLoss({ logps: x as Tensor2D, oldLogps: detach(x as Tensor2D), advantages: tf.tensor1d(ADV) as Tensor1D, mask: tf.tensor2d(MASK) as Tensor2D }, { epsilon: 0.2, beta: 0, lossType: 'grpo' }).loss;
      const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(LOGPS));
      return { value: value.dataSync()[0]!, grad: Array.from(grad.dataSync()) };
    });
    expectClose(out.value, -(ADV[0]! + ADV[1]!) / 2, 1e-6);
    expect(out.grad.map((g) => Number(g.toFixed(6)))).toEqual([-0.25, -0.25, 0, 1 / 3, 1 / 3, 1 / 3].map((g) => Number(g.toFixed(6))));
  });

  it('stays finite for extreme log-prob gaps and leaks nothing', async () => {
    await expectNoLeak(() => {
      const { loss } = evaluate({ beta: 0.1 }, [[-80, -0.5, 0], [-2, -1, -0.3]]);
      expect(Number.isFinite(loss)).toBe(true);
    });
  });

  it('refuses β > 0 without reference log-probs and dr_grpo without L', () => {
    expect(() =>
      tf.tidy(() => computeGrpoLoss({ logps: tf.tensor2d(LOGPS) as Tensor2D, oldLogps: tf.tensor2d(OLD) as Tensor2D, advantages: tf.tensor1d(ADV) as Tensor1D, mask: tf.tensor2d(MASK) as Tensor2D }, { epsilon: 0.2, beta: 0.1, lossType: 'grpo' }).loss),
    ).toThrow(/refLogps/);
    expect(() => evaluate({ lossType: 'dr_grpo' })).toThrow(/maxCompletionLength/);
  });
});
