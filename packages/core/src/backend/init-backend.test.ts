import { describe, expect, it } from 'vitest';
import { backendInfo, initBackend, tf } from '../index.js';

describe('initBackend', () => {
  it('rejects unknown options and backend names, listing the valid ones, without initialising', async () => {
    await expect(initBackend({ prefer: 'tpu' as 'cpu' })).rejects.toThrow(/initBackend: invalid configuration[\s\S]*"wasm"/);
    await expect(initBackend({ colour: 'red' } as object)).rejects.toThrow(/colour/);
    expect(backendInfo()).toBeUndefined();
  });

  it('picks wasm here (the optional native and WebGPU packages are absent and reported), once', async () => {
    const lines: string[] = [];
    const first = initBackend({ log: (l) => lines.push(l) });
    const second = initBackend({ prefer: 'cpu', log: (l) => lines.push(l) });
    expect(second).toBe(first);
    const info = await first;
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    for (const s of info.skipped) expect(s.reason.length).toBeGreaterThan(0);
    expect(backendInfo()).toBe(info);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^prefstream: tensor backend wasm; skipped tensorflow-gpu: /);
    // wasm got the kernels it lacks: the gradient of gather (UnsortedSegmentSum) works.
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 0, 2], 'int32'))))(tf.ones([3, 2])));
    expect(Array.from(await g.data())).toEqual([2, 2, 0, 0, 1, 1]);
    g.dispose();
    // The BatchMatMul replacement was registered before the backend initialised: the stock kernel
    // it delegates to must have been set up too (a transposed product large enough to be routed).
    const p = tf.tidy(() => tf.matMul(tf.ones([64, 32]), tf.ones([64, 32]), false, true));
    expect(p.shape).toEqual([64, 64]);
    expect((await p.data()).every((v) => v === 32)).toBe(true);
    p.dispose();
  });
});
