import { describe, expect, it } from 'vitest';
import { optimalPolicy } from '../bandit/bandit-oracle.js';
import { totalVariation } from '../bandit/distributions.js';
import { methodOptimum } from '../bandit/method-optima.js';
import { preferenceMatrix } from '../bandit/preference-labels.js';
import { drawBanditPairs, empiricalDistribution, winCounts } from './bandit-draws.js';
import { copgPairLoss, fitPairwise, ipoPairLoss, sigmoidPairLoss } from './fit-pairwise.js';

const bandit = { rewards: [2.5, 2, 1], referenceProbs: [0.2, 0.3, 0.5], beta: 0.5 };
const mu1 = [0.1, 0.2, 0.7], mu2 = [0.05, 0.05, 0.9];

/** Expected (fractional) win counts of the population: n(w, l) = μ1(w)μ2(l)P(w≻l) + μ1(l)μ2(w)P(w≻l). */
function populationCounts(labels: string): number[][] {
  const P = preferenceMatrix(bandit.rewards, labels);
  return bandit.rewards.map((_, w) => bandit.rewards.map((__, l) => (mu1[w]! * mu2[l]! + mu1[l]! * mu2[w]!) * P[w]![l]!));
}

describe('fitPairwise on population counts recovers the closed forms of spec §11', () => {
  it('DPO with Bradley–Terry labels → π*', () => {
    const pi = fitPairwise(populationCounts('bradley-terry'), bandit.referenceProbs, sigmoidPairLoss(bandit.beta))!;
    expect(totalVariation(pi, optimalPolicy(bandit))).toBeLessThan(1e-9);
  });

  it('IPO → the stationarity solution of methodOptimum("ipo")', () => {
    const pi = fitPairwise(populationCounts('bradley-terry'), bandit.referenceProbs, ipoPairLoss(0.3))!;
    expect(totalVariation(pi, methodOptimum('ipo', { bandit, mu1, mu2, tau: 0.3 }))).toBeLessThan(1e-9);
  });

  it('CoPG → π* whatever the labels', () => {
    const pi = fitPairwise(populationCounts('hard'), bandit.referenceProbs, copgPairLoss(bandit.rewards, bandit.beta))!;
    expect(totalVariation(pi, optimalPolicy(bandit))).toBeLessThan(1e-9);
  });

  it('hard labels give DPO no finite optimum, nor pairs that miss an arm', () => {
    expect(fitPairwise(populationCounts('hard'), bandit.referenceProbs, sigmoidPairLoss(bandit.beta))).toBeUndefined();
    const counts = [[0, 3, 0], [2, 0, 0], [0, 0, 0]];
    expect(fitPairwise(counts, bandit.referenceProbs, ipoPairLoss(0.5))).toBeUndefined();
  });
});

describe('drawBanditPairs', () => {
  it('draws a ~ μ1, b ~ μ2 and Bradley–Terry labels at their frequencies, reproducibly', () => {
    const n = 20_000;
    const draws = [...drawBanditPairs({ rewards: bandit.rewards, mu1, mu2, pairs: n, labels: 'bradley-terry', seed: 3 })];
    // 4 standard errors of a frequency p at n = 20 000 is at most 4·√(0.25/n) ≈ 0.014
    const first = empiricalDistribution(draws.map((d) => d.first), 3);
    const second = empiricalDistribution(draws.map((d) => d.second), 3);
    mu1.forEach((p, i) => expect(Math.abs(first[i]! - p)).toBeLessThan(0.014));
    mu2.forEach((p, i) => expect(Math.abs(second[i]! - p)).toBeLessThan(0.014));
    const ac = draws.filter((d) => d.first === 0 && d.second === 2);
    const wins = ac.filter((d) => d.firstWins).length / ac.length; // σ(2.5 − 1) = 0.8176, ~1260 pairs
    expect(Math.abs(wins - 0.8176)).toBeLessThan(4 * Math.sqrt(0.15 / ac.length));
    const again = [...drawBanditPairs({ rewards: bandit.rewards, mu1, mu2, pairs: 5, labels: 'bradley-terry', seed: 3 })];
    expect(again).toEqual(draws.slice(0, 5));
    const counts = winCounts(draws, 3);
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(n);
  });
});
