import { describe, expect, it } from 'vitest';
import { Rng } from '@prefstream/core';
import { sampleToken } from './sample-token.js';

/** Empirical frequencies of 20,000 draws. */
function frequencies(logits: number[], p: { temperature: number; topK: number; topP: number }): number[] {
  const rng = new Rng(3);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < 20000; i++) counts[sampleToken(logits, p, rng).token]!++;
  return counts.map((c) => c / 20000);
}

describe('sampleToken', () => {
  const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];

  it('greedy takes the first maximum and reports its log-softmax', () => {
    const r = sampleToken([1, 3, 3, 0], { temperature: 0, topK: 0, topP: 1 }, new Rng(1));
    expect(r.token).toBe(1);
    expect(r.logp).toBeCloseTo(3 - Math.log(Math.exp(1) + 2 * Math.exp(3) + 1), 10);
  });

  it('temperature 1 samples the softmax; log-prob is under that distribution', () => {
    frequencies(logits, { temperature: 1, topK: 0, topP: 1 }).forEach((f, i) => expect(f).toBeCloseTo([0.5, 0.3, 0.15, 0.05][i]!, 1));
    const r = sampleToken(logits, { temperature: 1, topK: 0, topP: 1 }, new Rng(2));
    expect(r.logp).toBeCloseTo(logits[r.token]!, 10);
  });

  it('top-k renormalizes over the k best', () => {
    const f = frequencies(logits, { temperature: 1, topK: 2, topP: 1 });
    expect(f[2]! + f[3]!).toBe(0);
    expect(f[0]).toBeCloseTo(0.5 / 0.8, 1);
    const r = sampleToken(logits, { temperature: 1, topK: 2, topP: 1 }, new Rng(4));
    expect(r.logp).toBeCloseTo(Math.log([0.5, 0.3][r.token]! / 0.8), 10);
  });

  it('top-p keeps the smallest prefix reaching p (0.5 + 0.3 ≥ 0.7)', () => {
    const f = frequencies(logits, { temperature: 1, topK: 0, topP: 0.7 });
    expect(f[2]! + f[3]!).toBe(0);
    expect(f[1]).toBeCloseTo(0.3 / 0.8, 1);
  });

  it('temperature 0.5 sharpens: p ∝ p₀²', () => {
    const z = 0.25 + 0.09 + 0.0225 + 0.0025;
    const r = sampleToken(logits, { temperature: 0.5, topK: 0, topP: 1 }, new Rng(5));
    expect(r.logp).toBeCloseTo(Math.log([0.25, 0.09, 0.0225, 0.0025][r.token]! / z), 8);
  });
});
