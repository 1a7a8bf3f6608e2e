import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../index.js';

describe('initBackend', () => {
  it('loads a backend that computes', async () => {
    const info = await initBackend({ prefer: 'wasm', log: () => {} });
    expect(['wasm', 'cpu']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.tfName);
    expect(Array.from(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1)).dataSync())).toEqual([2, 3]);
  });
});
