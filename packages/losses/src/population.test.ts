/**
 * Population optima on a finite bandit (spec §11): a tabular softmax policy is trained to
 * convergence on the EXACT expected loss (every ordered pair weighted by μ1(a)·μ2(b), soft labels
 * where stated) and compared with the closed forms. Tolerance: total variation < 1e-3.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Tensor1D } from '@prefstream/core';
import { packSequences } from '@prefstream/model';
import type { LossType } from './loss-registry.js';
import { preferenceLoss } from './preference-loss.js';
import type { PreferenceLossOptionsInput } from './preference-loss-options.js';
import type { PreferenceInputs } from './preference-inputs.js';
import { weightedNll } from './weighted-nll.js';
import { allPairs, minimize, packPairs, pairLogps, sigmoid, tilt, totalVariation, weightedSum, type PairTable } from './test-support/population.js';
import { TabularPolicy } from './test-support/tabular-policy.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

let policy: TabularPolicy | undefined;
let baseline = 0;
afterEach(() => {
  policy?.dispose();
  policy = undefined;
  expect(tf.memory().numTensors).toBe(baseline); // training leaves nothing behind
});

interface Population {
  pairs: PairTable;
  reference: readonly number[];
  /** P(first ≻ second) per row, or none for CoPG. */
  preference?: number[];
  rewards?: readonly number[];
}

/** Trains a fresh tabular policy (initialized at the reference) on the exact expected loss. */
function train(type: LossType, population: Population, options: PreferenceLossOptionsInput, steps = 300): number[] {
  baseline = tf.memory().numTensors;
  const { pairs, reference, preference, rewards } = population;
  policy = new TabularPolicy({ arms: reference.length, logits: reference.map(Math.log) });
  const p = policy;
  const column = (values: number[]) => tf.tensor1d(values) as Tensor1D;
  const packed = packPairs(pairs);
  const constants: PreferenceInputs = {
    refChosenLogps: column(pairs.first.map((a) => Math.log(reference[a]!))),
    refRejectedLogps: column(pairs.second.map((b) => Math.log(reference[b]!))),
    ...(preference && { preference: column(preference) }),
    ...(rewards && { chosenReward: column(pairs.first.map((a) => rewards[a]!)), rejectedReward: column(pairs.second.map((b) => rewards[b]!)) }),
  };
  const weight = column(pairs.weight);
  try {
    minimize(p, () => {
      const { chosen, rejected } = pairLogps(p, pairs, packed);
      const { losses } = preferenceLoss(type, { ...constants, chosenLogps: chosen, rejectedLogps: rejected }, options);
      return tf.sum(tf.mul(losses, weight));
    }, steps);
  } finally {
    tf.dispose([weight, ...Object.values(constants)]);
  }
  return p.probabilities();
}

/** Bradley–Terry soft labels P(a ≻ b) = σ(r_a − r_b) for every row. */
const btLabels = (pairs: PairTable, r: readonly number[]) => pairs.first.map((a, i) => sigmoid(r[a]! - r[pairs.second[i]!]!));

describe('population optima (spec §11)', () => {
  it('DPO with soft Bradley–Terry labels reaches π* = π_ref·exp(r/β)/Z', () => {
    const r = [1, 0.5, -0.3];
    const reference = [0.5, 0.3, 0.2];
    const pairs = allPairs([0.2, 0.5, 0.3]);
    const pi = train('sigmoid', { pairs, reference, preference: btLabels(pairs, r) }, { beta: 0.5 });
    expect(totalVariation(pi, tilt(reference, r, 0.5))).toBeLessThan(1e-3);
  });

  it('T11: two arms r = (1, 0), β = 0.5, uniform ⇒ π* = (0.88079708, 0.11920292)', () => {
    const pairs = allPairs([0.5, 0.5]);
    const pi = train('sigmoid', { pairs, reference: [0.5, 0.5], preference: btLabels(pairs, [1, 0]) }, { beta: 0.5 });
    expect(totalVariation(pi, [0.88079708, 0.11920292])).toBeLessThan(1e-3);
  });

  describe("CoPG paper's toy: R = (2.5, 2, 1), β = 0.5, uniform reference, y ∼ (0.1, 0.2, 0.7), y′ ∼ (0.05, 0.05, 0.9)", () => {
    const R = [2.5, 2, 1];
    const reference = [1 / 3, 1 / 3, 1 / 3];
    const pairs = allPairs([0.1, 0.2, 0.7], [0.05, 0.05, 0.9]);
    const optimum = [0.70538, 0.2595, 0.03512]; // exp(R/β)/Z = (e⁵, e⁴, e²)/Z
    it('CoPG reaches π* (zero regret)', () => {
      expect(totalVariation(tilt(reference, R, 0.5), optimum)).toBeLessThan(1e-5);
      const pi = train('copg', { pairs, reference, rewards: R }, { beta: 0.5 });
      expect(totalVariation(pi, tilt(reference, R, 0.5))).toBeLessThan(1e-3);
    });
    it('IPO with Bradley–Terry labels (τ = β) does not', () => {
      const pi = train('ipo', { pairs, reference, preference: btLabels(pairs, R) }, { beta: 0.5 });
      expect(totalVariation(pi, optimum)).toBeGreaterThan(0.05);
    });
  });

  it('IPO reaches π_ref·exp(p̄_μ/τ)/Z with p̄_μ(y) = Σ_y′ μ(y′)·P(y ≻ y′)', () => {
    const mu = [0.2, 0.3, 0.5];
    const r = [0.4, 1.2, -0.5];
    const reference = [0.3, 0.3, 0.4];
    const tau = 0.5;
    const pairs = allPairs(mu);
    const P = (a: number, b: number) => sigmoid(r[a]! - r[b]!);
    const pBar = mu.map((_, y) => mu.reduce((s, m, y2) => s + m * P(y, y2), 0));
    const pi = train('ipo', { pairs, reference, preference: btLabels(pairs, r) }, { beta: tau });
    expect(totalVariation(pi, tilt(reference, pBar, tau))).toBeLessThan(1e-3);
  });

  it('T10: IPO, two arms, p = 1, uniform: π(y1) = σ(1/(2τ)) = 0.7310585786 at τ = 0.5', () => {
    const pairs = allPairs([0.5, 0.5]);
    // P(y1 ≻ y2) = 1, P(y2 ≻ y1) = 0, ties ½
    const preference = pairs.first.map((a, i) => (a === pairs.second[i] ? 0.5 : a === 0 ? 1 : 0));
    const pi = train('ipo', { pairs, reference: [0.5, 0.5], preference }, { beta: 0.5 });
    expect(Math.abs(pi[0]! - 0.7310585786)).toBeLessThan(1e-3);
  });

  it('RSO sigmoid-norm with soft BT labels reaches π_sft·exp(r/γ)/Z (temperature γ, not β)', () => {
    const r = [0.2, -0.4, 0.6];
    const reference = [0.25, 0.5, 0.25];
    const pairs = allPairs([0.3, 0.3, 0.4]);
    const pi = train('rso-sigmoid-norm', { pairs, reference, preference: btLabels(pairs, r) }, { beta: 0.1, gamma: 0.8 });
    expect(totalVariation(pi, tilt(reference, r, 0.8))).toBeLessThan(1e-3);
    expect(totalVariation(pi, tilt(reference, r, 0.1))).toBeGreaterThan(0.1);
  });

  it('SFT on samples from μ reaches μ', () => {
    const mu = [0.15, 0.25, 0.6];
    baseline = tf.memory().numTensors;
    policy = new TabularPolicy({ arms: 3 });
    const p = policy;
    const packed = packSequences(mu.map(() => [0]), mu.map((_, a) => [a]), { padSide: 'right', padTokenId: 0 });
    minimize(p, () => {
      const { logps } = p.sequenceLogps(packed);
      const { losses } = preferenceLoss('sft', { chosenLogps: logps, chosenLength: tf.ones([3]) as Tensor1D });
      return weightedSum(losses, mu);
    });
    expect(totalVariation(p.probabilities(), mu)).toBeLessThan(1e-3);
  });

  it('C-RLFT (class-conditioned weighted NLL) reaches each class\'s empirical distribution', () => {
    // class 0 (expert, weight 1) and class 1 (sub-optimal, weight 0.1); context = class
    const empirical = [
      [0.6, 0.3, 0.1],
      [0.2, 0.2, 0.6],
    ];
    const classWeight = [1, 0.1];
    baseline = tf.memory().numTensors;
    policy = new TabularPolicy({ arms: 3, contexts: 2 });
    const p = policy;
    const rows = empirical.flatMap((mu, c) => mu.map((m, a) => ({ c, a, w: classWeight[c]! * m })));
    const packed = packSequences(rows.map((r) => [r.c]), rows.map((r) => [r.a]), { padSide: 'right', padTokenId: 0 });
    // per-token weights: 0 on the prompt (class) token, w on the completion token
    const weights = rows.flatMap((r) => [0, r.w]);
    minimize(p, () => weightedNll(p.sequenceLogps(packed).tokenLogps, weights).loss);
    empirical.forEach((mu, c) => expect(totalVariation(p.probabilities(c), mu)).toBeLessThan(1e-3));
  });
});
