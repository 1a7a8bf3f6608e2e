import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { trainBandit } from '../bandit-run/train-bandit.js';
import { defineBandit, optimalPolicy } from './bandit-oracle.js';
import { totalVariation } from './distributions.js';
import { forwardKlFixedPoint, groupScaledFixedPoint, solveGrpoFixedPoint } from './grpo-fixed-point.js';
import { grpoExpectedUpdate, populationAdvantages } from './grpo-population.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const R = [1, 0.5, 0];
const REF = [0.5, 0.3, 0.2];
const BETA = 0.5;
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => expect(totalVariation(a, b), `${Array.from(a)} vs ${Array.from(b)}`).toBeLessThan(tol);

describe('GRPO expected update on a bandit', () => {
  it('G = 2, two arms, by hand: only mixed groups move π, by p(1 − p)·a', () => {
    // groups {1,1} and {0,0} have zero std ⇒ A = 0; a mixed group (prob 2p(1−p)) has mean 1/2, Bessel
    // std √½, A = ±½/(√½ + 1e-4), and (1/2)Σ_i A_i(e_{y_i} − π) = (a/2, −a/2) ⇒ g = p(1−p)·a·(1, −1).
    const p = 0.3;
    for (const [scale, a] of [['group', 0.5 / (Math.SQRT1_2 + 1e-4)], ['none', 0.5]] as const) {
      const g = grpoExpectedUpdate([p, 1 - p], [1, 0], [0.5, 0.5], { beta: 0, scaleRewards: scale, groupSize: 2 });
      expect(g[0]).toBeCloseTo(p * (1 - p) * a, 12);
      expect(g[1]).toBeCloseTo(-p * (1 - p) * a, 12);
    }
  });

  it('finite G with scaleRewards none is (G − 1)/G times the population policy gradient', () => {
    const probs = [0.2, 0.5, 0.3];
    const population = grpoExpectedUpdate(probs, R, REF, { beta: 0, scaleRewards: 'none' });
    for (const G of [2, 3, 6]) {
      const finite = grpoExpectedUpdate(probs, R, REF, { beta: 0, scaleRewards: 'none', groupSize: G });
      finite.forEach((v, k) => expect(v).toBeCloseTo(((G - 1) / G) * population[k]!, 12));
    }
  });

  it('the k3 term contributes −β(π − π_ref), the gradient of the forward KL(π_ref‖π)', () => {
    const probs = [0.2, 0.5, 0.3];
    const without = grpoExpectedUpdate(probs, R, REF, { beta: 0, scaleRewards: 'group', groupSize: 4 });
    const withKl = grpoExpectedUpdate(probs, R, REF, { beta: BETA, scaleRewards: 'group', groupSize: 4 });
    withKl.forEach((v, k) => expect(v - without[k]!).toBeCloseTo(-BETA * (probs[k]! - REF[k]!), 12));
  });
});

describe('GRPO fixed point with the k3 KL', () => {
  it('two arms, none: π = (0.809017, 0.190983) (root of λ² − 1.5λ + 0.25), not π* = (0.880797, 0.119203)', () => {
    const pi = forwardKlFixedPoint([1, 0], [0.5, 0.5], 0.5);
    const lambda = (1.5 + Math.sqrt(1.25)) / 2;
    expect(pi[0]).toBeCloseTo(0.25 / (lambda - 1), 10);
    expect(pi[0]).toBeCloseTo(0.809017, 6);
    expect(optimalPolicy(defineBandit({ rewards: [1, 0], referenceProbs: [0.5, 0.5], beta: 0.5 }))[0]).toBeCloseTo(0.880797, 6);
  });

  it('the closed forms solve the stationarity condition π_k A_k = β(π_k − π_ref,k) and match the iterative solver', () => {
    const none = forwardKlFixedPoint(R, REF, BETA);
    const group = groupScaledFixedPoint(R, REF, BETA);
    const A = { none: populationAdvantages(none, R, 'none'), group: populationAdvantages(group, R, 'group') };
    none.forEach((p, k) => expect(p * A.none[k]!).toBeCloseTo(BETA * (p - REF[k]!), 10));
    group.forEach((p, k) => expect(p * A.group[k]!).toBeCloseTo(BETA * (p - REF[k]!), 10));
    close(solveGrpoFixedPoint(R, REF, { beta: BETA, scaleRewards: 'none' }).probabilities, none, 1e-8);
    close(solveGrpoFixedPoint(R, REF, { beta: BETA, scaleRewards: 'group' }).probabilities, group, 1e-8);
    expect(Array.from(none, (p) => Number(p.toFixed(6)))).toEqual([0.745542, 0.17957, 0.074888]);
    expect(Array.from(group, (p) => Number(p.toFixed(6)))).toEqual([0.941517, 0.043428, 0.015055]);
  });

  it('finite G: none is the forward-KL point at β·G/(G − 1); group (Bessel std) is solved by enumeration', () => {
    for (const G of [2, 4]) {
      const solved = solveGrpoFixedPoint(R, REF, { beta: BETA, scaleRewards: 'none', groupSize: G });
      expect(solved.residual).toBeLessThan(1e-9);
      close(solved.probabilities, forwardKlFixedPoint(R, REF, (BETA * G) / (G - 1)), 1e-8);
    }
    const g4 = solveGrpoFixedPoint(R, REF, { beta: BETA, scaleRewards: 'group', groupSize: 4 });
    expect(g4.residual).toBeLessThan(1e-9);
    expect(Array.from(g4.probabilities, (p) => Number(p.toFixed(4)))).toEqual([0.855, 0.091, 0.054]);
    // the finite group pulls less than the G → ∞ limit (smaller |A| on average) and is not π* either
    expect(totalVariation(g4.probabilities, groupScaledFixedPoint(R, REF, BETA))).toBeGreaterThan(0.05);
  });

  it('is measurably not π* = π_ref·e^{r/β}/Z', () => {
    const piStar = optimalPolicy(defineBandit({ rewards: R, referenceProbs: REF, beta: BETA }));
    expect(totalVariation(forwardKlFixedPoint(R, REF, BETA), piStar)).toBeGreaterThan(0.03);
    expect(totalVariation(groupScaledFixedPoint(R, REF, BETA), piStar)).toBeGreaterThan(0.15);
  });
});

describe('trainBandit with the real GRPO loss on a tabular policy', () => {
  const bandit = { rewards: R, referenceProbs: REF, beta: BETA };

  it('grpo-no-kl concentrates on the best arm', () => {
    const before = tf.memory().numTensors;
    const run = trainBandit({ method: 'grpo-no-kl', bandit, mu1: REF, steps: 150, learningRate: 0.3 });
    expect(run.probabilities[0]).toBeGreaterThan(0.99);
    expect(run.tvToOptimum).toBeLessThan(0.01);
    run.policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('grpo with β > 0 converges to the solved fixed point, not to π*', () => {
    const before = tf.memory().numTensors;
    const run = trainBandit({ method: 'grpo', bandit, mu1: REF, steps: 250, learningRate: 0.1 });
    const fixed = groupScaledFixedPoint(R, REF, BETA);
    expect(run.optimum).toEqual(fixed);
    expect(run.tvToOptimum).toBeLessThan(2e-3);
    expect(totalVariation(run.probabilities, optimalPolicy(defineBandit(bandit)))).toBeGreaterThan(0.15);
    run.policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
