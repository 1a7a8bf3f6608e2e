import { describe, expect, it } from 'vitest';
import { loadBackend } from './load-backend.js';
import { tf } from './tf.js';

describe('loadBackend', () => {
  it('loads wasm with its kernels and reports an absent optional package by its import error', async () => {
    expect(await loadBackend('wasm')).toBe('wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    expect(await loadBackend('cpu')).toBe('cpu');
    await expect(loadBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node/);
  });
});
