import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson-interval.js';

describe('wilsonInterval', () => {
  // Reference values from the closed form, checked by hand:
  // n = 100, k = 60: centre = (0.6 + 1.92073/100)/(1.0384146) = 0.596298; half = 0.095052.
  it('matches the closed form', () => {
    const { low, high, estimate } = wilsonInterval(60, 100);
    expect(estimate).toBe(0.6);
    expect(low).toBeCloseTo(0.502002, 5);
    expect(high).toBeCloseTo(0.690599, 5);
  });

  it('stays inside [0, 1] at the extremes', () => {
    const zero = wilsonInterval(0, 10);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.277533, 5);
    const all = wilsonInterval(10, 10);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.722467, 5);
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(3, 0)).toThrow(/positive integer/);
    expect(() => wilsonInterval(11, 10)).toThrow(/outside/);
  });
});
