import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });

  it('splits by name independently of the parent position', () => {
    const a = new Rng(7), b = new Rng(7);
    a.uniform(); a.uniform();
    expect(a.split('sampler').uniform()).toBe(b.split('sampler').uniform());
    expect(a.split('sampler').uniform()).not.toBe(a.split('loss').uniform());
  });

  it('restores a saved state exactly', () => {
    const a = new Rng(1);
    a.uniform();
    const saved = a.state();
    const next = [a.uniform(), a.uniform()];
    const b = Rng.restore(JSON.parse(JSON.stringify(saved)));
    expect([b.uniform(), b.uniform()]).toEqual(next);
  });

  it('draws uniforms with the right mean and range', () => {
    const r = new Rng(3);
    let sum = 0, min = 1, max = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      sum += u; min = Math.min(min, u); max = Math.max(max, u);
    }
    // mean of U[0,1) has sd 1/sqrt(12n) ≈ 6.5e-4; 5 sd bound
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(3.3e-3);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });
});
