import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { backendInfo, initBackend } from './init-backend.js';
import { tf } from './tf.js';

// A file of its own: initBackend is once per process, and vitest runs each file in a fresh one.
describe('initBackend with PREFSTREAM_BACKEND', () => {
  const saved = process.env.PREFSTREAM_BACKEND;
  afterAll(() => {
    if (saved === undefined) delete process.env.PREFSTREAM_BACKEND;
    else process.env.PREFSTREAM_BACKEND = saved;
  });

  it('an unknown name is a ConfigError listing the valid values, and a later call may retry', async () => {
    process.env.PREFSTREAM_BACKEND = 'tpu';
    const failed = initBackend({ log: () => {} });
    await expect(failed).rejects.toBeInstanceOf(ConfigError);
    await expect(failed).rejects.toThrow('PREFSTREAM_BACKEND: unknown backend "tpu"; valid values: tensorflow-gpu, tensorflow, webgpu, wasm, cpu');
    expect(backendInfo()).toBeUndefined();
  });

  it('overrides prefer: cpu is chosen and nothing else is tried', async () => {
    process.env.PREFSTREAM_BACKEND = 'cpu';
    const lines: string[] = [];
    const info = await initBackend({ prefer: 'wasm', log: (l) => lines.push(l) });
    expect(info).toMatchObject({ name: 'cpu', tfName: 'cpu', source: 'env', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect(lines).toEqual(['prefstream: tensor backend cpu (PREFSTREAM_BACKEND)']);
  });
});
