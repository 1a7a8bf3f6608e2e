import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, initBackend, tf, type Tensor, type Tensor1D } from '@prefstream/core';
import { LOSS_REGISTRY, LOSS_TYPES, type LossType } from './loss-registry.js';
import { preferenceLoss } from './preference-loss.js';
import type { PreferenceInputName } from './preference-inputs.js';
import { PreferenceLossOptions, type PreferenceLossOptionsInput } from './preference-loss-options.js';
import { readMetrics } from './read-metrics.js';
import { expectClose, expectNoLeak, toInputs, type InputValues } from './test-support/tensors.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

// T1 (spec §12): logp_w = −10, logp_l = −12, ref_w = −11, ref_l = −11.5 ⇒ lr_w = 1, lr_l = −0.5, h = 1.5.
// T2 adds n_w = 10, n_l = 20; CoPG/SLiC/SFT extras: R = (1, 0), logp(y_ref) = −15.
const T1: InputValues = {
  chosenLogps: [-10],
  rejectedLogps: [-12],
  refChosenLogps: [-11],
  refRejectedLogps: [-11.5],
  chosenLength: [10],
  rejectedLength: [20],
  chosenReward: [1],
  rejectedReward: [0],
  refTargetLogps: [-15],
};

function lossValue(type: LossType | LossType[], values: InputValues, options: PreferenceLossOptionsInput): number {
  return tf.tidy(() => preferenceLoss(type, toInputs(values), options).losses.dataSync()[0]!);
}

describe('preferenceLoss test vectors (spec §12)', () => {
  const cases: [string, LossType | LossType[], InputValues, PreferenceLossOptionsInput, number][] = [
    // −logσ(0.1·1.5) = softplus(−0.15)
    ['T1 sigmoid', 'sigmoid', T1, { beta: 0.1 }, 0.6209570478],
    // −0.9·logσ(0.15) − 0.1·logσ(−0.15) = 0.6209570478 + 0.1·0.15
    ['T1 cDPO ε=0.1', 'sigmoid', T1, { beta: 0.1, labelSmoothing: 0.1 }, 0.6359570478],
    // (0.9·0.6209570478 − 0.1·0.7709570478) / 0.8
    ['T1 robust ε=0.1', 'robust', T1, { beta: 0.1, labelSmoothing: 0.1 }, 0.6022070478],
    ['T1 hinge', 'hinge', T1, { beta: 0.1 }, 0.85], // 1 − 0.15
    ['T1 ipo (sums)', 'ipo', T1, { beta: 0.1 }, 12.25], // (1.5 − 5)²
    // h̃ = 1/10 − (−0.5)/20 = 0.125 ⇒ (0.125 − 5)²
    ['T2 ipo length-normalized', 'ipo', T1, { beta: 0.1, lengthNormalize: true }, 23.765625],
    ['T2 sigmoid-length-norm', 'sigmoid-length-norm', T1, { beta: 0.1 }, 0.6869167117], // softplus(−0.0125)
    ['T3 rso-hinge', 'rso-hinge', T1, { gamma: 0.05 }, 0.9], // 1 − 0.05·(−10 + 12)
    ['T3 rso-hinge-norm', 'rso-hinge-norm', T1, { gamma: 0.05 }, 0.925], // 1 − 0.05·1.5
    ['T3 rso-sigmoid-norm', 'rso-sigmoid-norm', T1, { gamma: 0.05 }, 0.6563501408], // softplus(−0.075)
    ['T6 slic (−10, −12)', 'slic', T1, { delta: 1, lambda: 0 }, 0], // max(0, 1 − 2)
    // max(0, 1 + 2) − 0.5·(−15) = 3 + 7.5
    ['T6 slic (−12, −10)', 'slic', { ...T1, chosenLogps: [-12], rejectedLogps: [-10] }, { delta: 1, lambda: 0.5 }, 10.5],
    // Δl = 0.5 − (−0.5) = 1, ΔR = 1: (1 − 0.1)² / 0.2
    ['T8 copg', 'copg', { ...T1, chosenLogps: [0.5], rejectedLogps: [-0.5] }, { beta: 0.1, referenceFree: true }, 4.05],
    ['sft', 'sft', T1, {}, 1], // −(−10)/10
    // 1·0.6209570478 + 0.5·1
    ['sigmoid + 0.5·sft', ['sigmoid', 'sft'], T1, { beta: 0.1, weights: [1, 0.5] }, 1.1209570478],
  ];
  it.each(cases)('%s', (_name, type, values, options, expected) => {
    expectClose(lossValue(type, values, options), expected);
  });

  it('T8: CoPG objective ℓ = ΔR·Δl − (β/2)·Δl² = 0.95 and gradient weights ∓0.9', () => {
    const values = { chosenLogps: [0.5], rejectedLogps: [-0.5], chosenReward: [1], rejectedReward: [0] };
    const metrics = tf.tidy(() => readMetrics(preferenceLoss('copg', toInputs(values), { beta: 0.1, referenceFree: true }).metrics));
    expectClose(metrics['copg/objective']!, 0.95);
    // ∂loss/∂lr(y) = −(ΔR − βΔl) = −0.9; ∂loss/∂lr(y') = +0.9
    const [gw, gl] = tf.tidy(() =>
      tf.grads((w: Tensor, l: Tensor) =>
        preferenceLoss('copg', { ...toInputs(values), chosenLogps: w as Tensor1D, rejectedLogps: l as Tensor1D }, { beta: 0.1, referenceFree: true }).losses.sum(),
      )([tf.tensor1d([0.5]), tf.tensor1d([-0.5])]).map((g) => g.dataSync()[0]!),
    );
    expectClose(gw!, -0.9);
    expectClose(gl!, 0.9);
  });

  it('T1: DPO gradient ∂L/∂logp_w = −β·σ(−βh) = −0.0462570155, ∂L/∂logp_l = +0.0462570155', () => {
    const [gw, gl] = tf.tidy(() =>
      tf.grads((w: Tensor, l: Tensor) =>
        preferenceLoss('sigmoid', { ...toInputs(T1), chosenLogps: w as Tensor1D, rejectedLogps: l as Tensor1D }, { beta: 0.1 }).losses.sum(),
      )([tf.tensor1d([-10]), tf.tensor1d([-12])]).map((g) => g.dataSync()[0]!),
    );
    expectClose(gw!, -0.0462570155);
    expectClose(gl!, 0.0462570155);
  });

  // ∂L/∂logp_w at T1 (β = 0.1, γ = 0.05, h = 1.5, h̃ = 0.125, n_w = 10), by hand:
  const gradientCases: [string, LossType, InputValues, PreferenceLossOptionsInput, number][] = [
    ['cDPO: −β·[(1−ε)σ(−βh) − εσ(βh)]', 'sigmoid', T1, { beta: 0.1, labelSmoothing: 0.1 }, -0.03625701546562504],
    ['robust: −β·[(1−ε)σ(−βh) + εσ(βh)]/(1−2ε)', 'robust', T1, { beta: 0.1, labelSmoothing: 0.1 }, -0.05875701546562505],
    ['hinge: −β (active)', 'hinge', T1, { beta: 0.1 }, -0.1],
    ['ipo: 2(h − 1/(2β))', 'ipo', T1, { beta: 0.1 }, -7],
    ['ipo length-normalized: 2(h̃ − 5)/n_w', 'ipo', T1, { beta: 0.1, lengthNormalize: true }, -0.975],
    ['sigmoid-length-norm: −β·σ(−βh̃)/n_w', 'sigmoid-length-norm', T1, { beta: 0.1 }, -0.004968750406894684],
    ['rso-sigmoid-norm: −γ·σ(−γh)', 'rso-sigmoid-norm', T1, { gamma: 0.05 }, -0.02406293920607324],
    ['rso-hinge: −γ', 'rso-hinge', T1, { gamma: 0.05 }, -0.05],
    ['rso-hinge-norm: −γ', 'rso-hinge-norm', T1, { gamma: 0.05 }, -0.05],
    ['slic (−12, −10): −1 (active)', 'slic', { ...T1, chosenLogps: [-12], rejectedLogps: [-10] }, { lambda: 0.5 }, -1],
    ['sft: −1/n_w', 'sft', T1, {}, -0.1],
  ];
  it.each(gradientCases)('closed-form ∂L/∂logp_w, %s', (_name, type, values, options, expected) => {
    const g = tf.tidy(() => {
      const base = toInputs(values);
      return tf.grad((w: Tensor) => preferenceLoss(type, { ...base, chosenLogps: w as Tensor1D }, options).losses.sum())(base.chosenLogps!).dataSync()[0]!;
    });
    expectClose(g, expected, 1e-5);
  });

  it('T1 metrics under TRL names: rewards 0.1 / −0.05, margin 0.15, accuracy 1, logps −10 / −12', () => {
    const m = tf.tidy(() => readMetrics(preferenceLoss('sigmoid', toInputs(T1), { beta: 0.1 }).metrics));
    expectClose(m['rewards/chosen']!, 0.1);
    expectClose(m['rewards/rejected']!, -0.05);
    expectClose(m['rewards/margins']!, 0.15);
    expect(m['rewards/accuracies']).toBe(1);
    expect(m['logps/chosen']).toBe(-10);
    expect(m['logps/rejected']).toBe(-12);
  });

  it('accuracy is strict: a tie counts 0; means run over the batch', () => {
    // rows: lr = (1, −0.5) win; (0, 0) tie; (−1, 1) loss ⇒ accuracy 1/3
    const values = { chosenLogps: [-10, -5, -3], rejectedLogps: [-12, -5, -1], refChosenLogps: [-11, -5, -2], refRejectedLogps: [-11.5, -5, -2] };
    const m = tf.tidy(() => readMetrics(preferenceLoss('sigmoid', toInputs(values), { beta: 0.1 }).metrics));
    expectClose(m['rewards/accuracies']!, 1 / 3);
    expectClose(m['rewards/margins']!, (0.1 * (1.5 + 0 - 2)) / 3); // β·mean(h), h = (1.5, 0, −2)
  });
});

describe('soft labels', () => {
  it('p = 1 is DPO, p = 0 is DPO on the swapped pair, p = 1 − ε is cDPO', () => {
    const swapped = { ...T1, chosenLogps: T1.rejectedLogps!, rejectedLogps: T1.chosenLogps!, refChosenLogps: T1.refRejectedLogps!, refRejectedLogps: T1.refChosenLogps! };
    expectClose(lossValue('sigmoid', { ...T1, preference: [1] }, { beta: 0.1 }), 0.6209570478);
    expectClose(lossValue('sigmoid', { ...T1, preference: [0] }, { beta: 0.1 }), lossValue('sigmoid', swapped, { beta: 0.1 }));
    expectClose(lossValue('sigmoid', { ...T1, preference: [0.9] }, { beta: 0.1 }), 0.6359570478);
  });
  it('IPO with p: p·(h − c)² + (1−p)·(h + c)²', () => {
    // h = 1.5, c = 5: 0.25·12.25 + 0.75·42.25 = 34.75
    expectClose(lossValue('ipo', { ...T1, preference: [0.25] }, { beta: 0.1 }), 34.75);
  });
});

/** Inputs for the per-type checks: B = 3, away from every hinge kink. */
const SMALL_ALL: InputValues = {
  chosenLogps: [-3.2, -1.1, -4.0],
  rejectedLogps: [-2.5, -3.7, -4.4],
  refChosenLogps: [-3.0, -1.6, -3.5],
  refRejectedLogps: [-2.9, -3.1, -4.9],
  chosenLength: [3, 2, 5],
  rejectedLength: [4, 1, 6],
  chosenReward: [0.7, -0.2, 1.3],
  rejectedReward: [0.1, 0.4, -0.5],
  refTargetLogps: [-2.0, -6.0, -1.5],
  preference: [0.8, 0.6, 0.3],
};
const { preference: _unused, ...withoutPreference } = SMALL_ALL;
const OPTIONS: PreferenceLossOptionsInput = { beta: 0.5, gamma: 0.4, labelSmoothing: 0.1, delta: 0.5, lambda: 0.5 };
const DIFFERENTIABLE: PreferenceInputName[] = ['chosenLogps', 'rejectedLogps', 'refChosenLogps', 'refRejectedLogps', 'refTargetLogps'];

describe.each(LOSS_TYPES)('loss type %s', (type) => {
  const SMALL: InputValues = LOSS_REGISTRY[type].optional.includes('preference') ? SMALL_ALL : withoutPreference;
  const needed = LOSS_REGISTRY[type].requires(PreferenceLossOptions.parse(OPTIONS));
  /** Wraps a function of (B,) tensors for tf.grads, whose signature is over Tensor. */
  const over = (f: (...xs: Tensor1D[]) => Tensor) => (...xs: Tensor[]) => f(...(xs as Tensor1D[]));

  it('gradient matches central finite differences', () => {
    const names = DIFFERENTIABLE.filter((n) => needed.includes(n));
    const analytic = tf.tidy(() => {
      const base = toInputs(SMALL);
      const vars = names.map((n) => base[n]!);
      const grads = tf.grads(
        over((...xs) => {
          const inputs = { ...base };
          names.forEach((n, i) => (inputs[n] = xs[i]!));
          return preferenceLoss(type, inputs, OPTIONS).losses.sum();
        }),
      )(vars);
      return grads.map((g) => Array.from(g.dataSync()));
    });
    const sumLoss = (values: InputValues) =>
      tf.tidy(() => preferenceLoss(type, toInputs(values), OPTIONS).losses.sum().dataSync()[0]!);
    const eps = 1e-2;
    names.forEach((name, i) => {
      for (let b = 0; b < 3; b++) {
        const plus = structuredClone(SMALL);
        const minus = structuredClone(SMALL);
        plus[name]![b]! += eps;
        minus[name]![b]! -= eps;
        const numeric = (sumLoss(plus) - sumLoss(minus)) / (2 * eps);
        expect(Math.abs(analytic[i]![b]! - numeric), `${name}[${b}] analytic ${analytic[i]![b]} numeric ${numeric}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
      }
    });
  });

  it('finite loss and gradient for margins of ±1e9', () => {
    for (const sign of [1, -1]) {
      const values = { ...SMALL, chosenLogps: [sign * 1e9, 0, -sign * 1e9], rejectedLogps: [-sign * 1e9, 0, sign * 1e9] };
      tf.tidy(() => {
        const base = toInputs(values);
        const names = (['chosenLogps', 'rejectedLogps'] as const).filter((n) => needed.includes(n));
        const { value, grads } = tf.valueAndGrads(
          over((...xs) => {
            const inputs = { ...base };
            names.forEach((n, i) => (inputs[n] = xs[i]!));
            return preferenceLoss(type, inputs, OPTIONS).losses.sum();
          }),
        )(names.map((n) => base[n]!));
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        for (const g of grads) for (const x of g.dataSync()) expect(Number.isFinite(x)).toBe(true);
      });
    }
  });

  it('names the loss type and the input when a required input is missing', () => {
    for (const name of needed) {
      const values = { ...SMALL };
      delete values[name];
      expect(() => tf.tidy(() => void preferenceLoss(type, toInputs(values), OPTIONS))).toThrow(DataError);
      expect(() => tf.tidy(() => void preferenceLoss(type, toInputs(values), OPTIONS))).toThrow(new RegExp(`loss "${type}".*${name}`));
    }
  });

  it('returns (B,) losses and leaves no tensor behind', async () => {
    await expectNoLeak(() => {
      const shape = tf.tidy(() => {
        const { losses, metrics } = preferenceLoss(type, toInputs(SMALL), OPTIONS);
        readMetrics(metrics);
        return losses.shape;
      });
      expect(shape).toEqual([3]);
    });
  });
});

describe('configuration errors', () => {
  it('lists the valid types for an unknown one', () => {
    expect(() => tf.tidy(() => void preferenceLoss('dpo' as LossType, toInputs(T1)))).toThrow(/unknown loss type "dpo"; valid types: sigmoid, robust/);
  });
  it('rejects weights that do not match the types, and unknown options', () => {
    expect(() => tf.tidy(() => void preferenceLoss(['sigmoid', 'sft'], toInputs(T1), { weights: [1] }))).toThrow(/1 weights for 2 loss types/);
    expect(() => tf.tidy(() => void preferenceLoss('sigmoid', toInputs(T1), { betta: 1 } as never))).toThrow(/betta/);
  });
  it('rejects a soft label for a pairwise loss that would ignore it', () => {
    expect(() => tf.tidy(() => void preferenceLoss('hinge', toInputs({ ...T1, preference: [0.7] })))).toThrow(/loss "hinge", field "preference".*types that do: sigmoid, ipo/);
  });
  it('rejects inputs of different lengths, naming the input', () => {
    expect(() => tf.tidy(() => void preferenceLoss('sigmoid', toInputs({ ...T1, rejectedLogps: [1, 2] })))).toThrow(/rejectedLogps.*2 rows/);
  });
  it('referenceFree drops the ref_* inputs', () => {
    const { refChosenLogps: _a, refRejectedLogps: _b, ...noRef } = T1;
    // lr = logp: h = −10 + 12 = 2 ⇒ softplus(−0.2)
    expectClose(lossValue('sigmoid', noRef, { beta: 0.1, referenceFree: true }), 0.5981388693);
  });
});
