import { describe, expect, it } from 'vitest';
import { Rng } from '@prefstream/core';
import { estimateKl } from './estimate-kl.js';

// π = [1/2, 1/4, 1/4], π_ref = [1/4, 1/4, 1/2] over three responses.
// KL(π‖π_ref) = ½·ln 2 + ¼·ln 1 + ¼·ln ½ = ¼·ln 2 = 0.173287.
const PI = [0.5, 0.25, 0.25];
const REF = [0.25, 0.25, 0.5];
const EXACT = Math.log(2) / 4;

describe('estimateKl', () => {
  it('is exact when the samples enumerate π in proportion', () => {
    // Responses 0, 0, 1, 2 have weights ½, ¼, ¼: the sample mean is the expectation under π.
    const ys = [0, 0, 1, 2];
    const { k1, k3, n } = estimateKl(ys.map((y) => Math.log(PI[y]!)), ys.map((y) => Math.log(REF[y]!)));
    expect(n).toBe(4);
    expect(k1.mean).toBeCloseTo(EXACT, 12);
    // k3: y=0: r = ½ → ½ − 1 + ln 2; y=1: 0; y=2: r = 2 → 1 − ln 2. Weighted: ½(ln 2 − ½) + ¼·0 + ¼(1 − ln 2) = ¼ ln 2.
    expect(k3.mean).toBeCloseTo(EXACT, 12);
  });

  it('agrees with the exact KL within 4 standard errors on sampled draws', () => {
    const rng = new Rng(1234);
    const n = 4000;
    const lp = new Float64Array(n);
    const lr = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      const y = u < 0.5 ? 0 : u < 0.75 ? 1 : 2;
      lp[i] = Math.log(PI[y]!);
      lr[i] = Math.log(REF[y]!);
    }
    const { k1, k3 } = estimateKl(lp, lr);
    for (const e of [k1, k3]) {
      expect(e.standardError).toBeGreaterThan(0);
      expect(Math.abs(e.mean - EXACT)).toBeLessThan(4 * e.standardError);
    }
    // Each k3 term is ≥ 0, and here its spread is smaller than k1's.
    expect(k3.standardError).toBeLessThan(k1.standardError);
  });

  it('is finite for log-probs far from each other and zero for equal ones', () => {
    const same = estimateKl([-3, -1], [-3, -1]);
    expect(same.k1.mean).toBe(0);
    expect(same.k3.mean).toBe(0);
    expect(same.k3.standardError).toBe(0);
    const far = estimateKl([-1e-9], [-1e-9 + 1e-12]);
    expect(Number.isFinite(far.k3.mean)).toBe(true);
    expect(far.k1.standardError).toBe(Infinity);
  });

  it('names the index of a NaN and rejects mismatched lengths', () => {
    expect(() => estimateKl([-1, Number.NaN], [-1, -1])).toThrow(/policy log-prob 1 is NaN/);
    expect(() => estimateKl([-1, -1], [Number.NaN, -1])).toThrow(/reference log-prob 0 is NaN/);
    expect(() => estimateKl([-1], [-1, -2])).toThrow(/1 policy log-probs but 2/);
    expect(() => estimateKl([], [])).toThrow(/no samples/);
  });
});
