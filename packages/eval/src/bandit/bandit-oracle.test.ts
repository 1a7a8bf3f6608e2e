import { describe, expect, it } from 'vitest';
import { defineBandit, objective, optimalPolicy, regret } from './bandit-oracle.js';
import { klDivergence, totalVariation } from './distributions.js';
import { methodOptimum } from './method-optima.js';

describe('bandit oracle', () => {
  it('computes π* of spec T11', () => {
    const pi = optimalPolicy({ rewards: [1, 0], referenceProbs: [0.5, 0.5], beta: 0.5 });
    expect(pi[0]).toBeCloseTo(0.88079708, 8);
    expect(pi[1]).toBeCloseTo(0.11920292, 8);
  });

  it('computes π* of the CoPG toy (spec §5)', () => {
    const pi = optimalPolicy({ rewards: [2.5, 2, 1], referenceProbs: [1 / 3, 1 / 3, 1 / 3], beta: 0.5 });
    [0.70538, 0.2595, 0.03512].forEach((v, i) => expect(pi[i]).toBeCloseTo(v, 5));
  });

  it('regret is zero at π*, positive elsewhere, and equals β·KL(π‖π*)', () => {
    const bandit = { rewards: [2.5, 2, 1], referenceProbs: [0.2, 0.3, 0.5], beta: 0.7 };
    const star = optimalPolicy(bandit);
    expect(Math.abs(regret(bandit, star))).toBeLessThan(1e-12);
    const pi = [0.5, 0.25, 0.25];
    expect(regret(bandit, pi)).toBeGreaterThan(0);
    expect(regret(bandit, pi)).toBeCloseTo(bandit.beta * klDivergence(pi, star), 12);
    expect(objective(bandit, star)).toBeGreaterThan(objective(bandit, pi));
  });

  it('rejects a reference without full support or mismatched lengths', () => {
    expect(() => defineBandit({ rewards: [1, 0], referenceProbs: [1, 0], beta: 1 })).toThrow(/full support/);
    expect(() => defineBandit({ rewards: [1], referenceProbs: [0.5, 0.5], beta: 1 })).toThrow(/1 rewards but 2/);
    expect(() => defineBandit({ rewards: [1, NaN], referenceProbs: [0.5, 0.5], beta: 1 })).toThrow(/not finite/);
  });
});

describe('method optima (spec §11)', () => {
  const bandit = { rewards: [2.5, 2, 1], referenceProbs: [1 / 3, 1 / 3, 1 / 3], beta: 0.5 };
  const mu1 = [0.1, 0.2, 0.7], mu2 = [0.05, 0.05, 0.9];

  it('DPO and CoPG reach π*, RSO reaches temperature γ', () => {
    const star = optimalPolicy(bandit);
    expect(totalVariation(methodOptimum('dpo', { bandit }), star)).toBeLessThan(1e-12);
    expect(totalVariation(methodOptimum('copg', { bandit, mu1, mu2 }), star)).toBeLessThan(1e-12);
    const rso = methodOptimum('rso', { bandit, gamma: 0.05 });
    expect(totalVariation(rso, optimalPolicy({ ...bandit, beta: 0.05 }))).toBeLessThan(1e-12);
  });

  // T10: two arms, P(y1 ≻ y2) = 1, uniform μ and π_ref ⇒ π(y1) = σ(1/(2τ)).
  it('IPO matches T10 with hard labels', () => {
    const pi = methodOptimum('ipo', {
      bandit: { rewards: [1, 0], referenceProbs: [0.5, 0.5], beta: 1 },
      mu1: [0.5, 0.5], mu2: [0.5, 0.5], tau: 0.5, labels: 'hard',
    });
    expect(pi[0]).toBeCloseTo(0.7310585786, 9);
  });

  // With μ1 = μ2 = μ the stationarity system reduces to π ∝ π_ref·exp(p̄_μ/τ).
  it('IPO equals the closed form π_ref·exp(p̄_μ/τ)/Z when μ1 = μ2', () => {
    const mu = [0.2, 0.3, 0.5], tau = 0.3;
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const pbar = bandit.rewards.map((ry) => bandit.rewards.reduce((s, rz, z) => s + mu[z]! * sig(ry - rz), 0));
    const w = pbar.map((p, i) => bandit.referenceProbs[i]! * Math.exp(p / tau));
    const z = w.reduce((a, b) => a + b, 0);
    const pi = methodOptimum('ipo', { bandit, mu1: mu, mu2: mu, tau });
    w.forEach((wi, i) => expect(pi[i]).toBeCloseTo(wi / z, 10));
  });

  it('IPO on the CoPG toy is biased away from π*', () => {
    const pi = methodOptimum('ipo', { bandit, mu1, mu2, tau: 0.5 });
    expect(totalVariation(pi, optimalPolicy(bandit))).toBeGreaterThan(0.05);
  });

  it('names the missing input and the known methods', () => {
    expect(() => methodOptimum('ipo', { bandit })).toThrow(/ipo: needs mu1/);
    expect(() => methodOptimum('kto', { bandit })).toThrow(/known: dpo, copg, rso, ipo, sft/);
  });
});
