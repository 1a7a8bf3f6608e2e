import { describe, expect, it } from 'vitest';
import { createRng } from '@prefstream/core';
import { rejectionSampleIndices } from './rejection-sample-indices.js';
import { bestOfNIndices } from './best-of-n-indices.js';

/** A uniform source replaying `values`; fails loudly if the sampler asks for more. */
function replay(values: number[]) {
  let i = 0;
  const next = () => {
    if (i >= values.length) throw new Error(`asked for uniform #${i + 1}, only ${values.length} given`);
    return values[i++]!;
  };
  return Object.assign(next, { used: () => i });
}

// spec §12 T4/T5: candidates [a, b, c], rewards (1, 0.5, 0), numSamples 2, β = 0.5.
const REWARDS = Float32Array.of(1, 0.5, 0);

describe('rejectionSampleIndices (RSO Algorithm 1)', () => {
  it.each([
    { uniforms: [0.9, 0.5, 0.1], expected: [0, 2], used: 3, rounds: 1 },
    { uniforms: [0.99, 0.2], expected: [0, 1], used: 2, rounds: 1 },
    // round 1: a accepted, b (0.9 ≥ e^-1) and c (0.9 ≥ e^-2) rejected; round 2: rmax = 0.5, b accepted with 0.5 < 1.
    { uniforms: [0.3, 0.9, 0.9, 0.5, 0.9], expected: [0, 1], used: 4, rounds: 2 },
  ])('replays T5 $uniforms ⇒ $expected', ({ uniforms, expected, used, rounds }) => {
    const u = replay(uniforms);
    const result = rejectionSampleIndices(REWARDS, 2, 0.5, u);
    expect(Array.from(result.indices)).toEqual(expected);
    expect(u.used()).toBe(used);
    expect(result.draws).toBe(used);
    expect(result.rounds).toBe(rounds);
    expect(result.short).toBe(false);
  });

  it('accepts exactly below the T4 ratios exp((r − rmax)/β) = 1, 0.3678794412, 0.1353352832', () => {
    const eps = 1e-7;
    // b is accepted just below e^-1 and rejected just above it.
    expect(Array.from(rejectionSampleIndices(REWARDS, 2, 0.5, replay([0.999, 0.3678794412 - eps])).indices)).toEqual([0, 1]);
    expect(Array.from(rejectionSampleIndices(REWARDS, 2, 0.5, replay([0.999, 0.3678794412 + eps, 0.1353352832 - eps])).indices)).toEqual([0, 2]);
    // c rejected just above e^-2: round 2 restarts with rmax = 0.5 over [b, c].
    const u = replay([0.999, 0.3678794412 + eps, 0.1353352832 + eps, 0.999]);
    expect(Array.from(rejectionSampleIndices(REWARDS, 2, 0.5, u).indices)).toEqual([0, 1]);
  });

  it('breaks inside the inner loop: never accepts more than numSamples', () => {
    const u = replay([0, 0, 0, 0]);
    const result = rejectionSampleIndices(Float32Array.of(1, 1, 1, 1), 1, 0.5, u);
    expect(Array.from(result.indices)).toEqual([0]);
    expect(u.used()).toBe(1);
  });

  it('keys candidates by index: equal rewards (duplicates) are distinct candidates', () => {
    const result = rejectionSampleIndices(Float32Array.of(2, 2, 2), 2, 0.5, replay([0.5, 0.5]));
    expect(Array.from(result.indices)).toEqual([0, 1]);
  });

  it('β → ∞ keeps the first numSamples in order', () => {
    const rng = createRng(3);
    const rewards = Float32Array.from({ length: 10 }, () => rng.normal() * 5);
    expect(Array.from(rejectionSampleIndices(rewards, 4, Infinity, () => rng.uniform()).indices)).toEqual([0, 1, 2, 3]);
  });

  it('β → 0 is best-of-n (highest first, ties by index)', () => {
    const rng = createRng(4);
    for (let trial = 0; trial < 50; trial++) {
      // Rewards on a 0.1 grid so ties occur; exp(−0.1/1e-3) ≈ 4e-44 is never beaten by a uniform.
      const rewards = Float32Array.from({ length: 12 }, () => Math.round(rng.normal() * 10) / 10);
      const rso = rejectionSampleIndices(rewards, 5, 1e-3, () => rng.uniform());
      expect(Array.from(rso.indices)).toEqual(Array.from(bestOfNIndices(rewards, 5)));
    }
  });

  it('returns all candidates (no draws) when there are not more than numSamples', () => {
    const short = rejectionSampleIndices(Float32Array.of(0.1, 0.2), 3, 0.5, replay([]));
    expect(Array.from(short.indices)).toEqual([0, 1]);
    expect(short.short).toBe(true);
    const exact = rejectionSampleIndices(Float32Array.of(0.1, 0.2, 0.3), 3, 0.5, replay([]));
    expect(Array.from(exact.indices)).toEqual([0, 1, 2]);
    expect(exact.short).toBe(false);
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => rejectionSampleIndices(Float32Array.of(1, NaN, 0), 1, 0.5, Math.random)).toThrow(/candidate 1 is not finite/);
    expect(() => rejectionSampleIndices(REWARDS, 0, 0.5, Math.random)).toThrow(/numSamples/);
    expect(() => rejectionSampleIndices(REWARDS, 1, 0, Math.random)).toThrow(/beta must be > 0/);
  });

  it('accepted samples follow π_sft·exp(r/β)/Z (chi-square goodness of fit)', () => {
    // Four outcomes with known π_sft and rewards. Each "prompt" draws K = 64 candidates from π_sft
    // and keeps numSamples = 1. Algorithm 1 is then classic rejection sampling from proposal π_sft
    // with envelope M = exp(rmax/β), exact as long as the best outcome (reward 1.5, π_sft 0.25) is
    // among the 64 so that rmax is the global maximum:
    // P(missing) = 0.75^64 ≈ 1e-8, so the target π_r = π_sft·exp(r/β)/Z is exact to that order.
    const pSft = [0.4, 0.2, 0.15, 0.25];
    const reward = [0, 0.5, 1, 1.5];
    const beta = 0.5;
    const weights = pSft.map((p, i) => p * Math.exp(reward[i]! / beta));
    const z = weights.reduce((a, b) => a + b, 0);
    const target = weights.map((w) => w / z); // ≈ (0.077, 0.105, 0.215, 0.603)

    const rng = createRng(20260101);
    const prompts = 20_000;
    const counts = [0, 0, 0, 0];
    const outcome = new Int32Array(64);
    const rewards = new Float32Array(64);
    for (let p = 0; p < prompts; p++) {
      for (let k = 0; k < 64; k++) {
        let u = rng.uniform();
        let y = 0;
        while (y < 3 && u >= pSft[y]!) u -= pSft[y++]!;
        outcome[k] = y;
        rewards[k] = reward[y]!;
      }
      const { indices } = rejectionSampleIndices(rewards, 1, beta, () => rng.uniform());
      counts[outcome[indices[0]!]!]!++;
    }
    const chi2 = counts.reduce((s, c, i) => s + (c - prompts * target[i]!) ** 2 / (prompts * target[i]!), 0);
    // df = 4 − 1 = 3; the 0.999 quantile of χ²₃ is 16.266 (a correct sampler fails this with
    // probability 0.001 at a random seed; the seed is fixed). Sampling π_sft instead (keeping the
    // first candidate) gives χ² ≈ 20,000·Σ(π_sft − π_r)²/π_r ≈ 1.2e4, far above it.
    expect(chi2).toBeLessThan(16.266);
    const chi2Sft = pSft.reduce((s, p, i) => s + (prompts * p - prompts * target[i]!) ** 2 / (prompts * target[i]!), 0);
    expect(chi2Sft).toBeGreaterThan(1000);
  });
});

describe('bestOfNIndices', () => {
  it('takes the top numSamples, highest first, ties by index', () => {
    expect(Array.from(bestOfNIndices(Float32Array.of(0.5, 2, 0.5, 1, 2), 3))).toEqual([1, 4, 3]);
    expect(Array.from(bestOfNIndices(Float32Array.of(0.5, 0.5, 0.5), 2))).toEqual([0, 1]);
    expect(Array.from(bestOfNIndices(Float32Array.of(3, 1), 5))).toEqual([0, 1]);
  });

  it('rejects non-finite rewards', () => {
    expect(() => bestOfNIndices(Float32Array.of(1, Infinity), 1)).toThrow(/candidate 1/);
  });
});
