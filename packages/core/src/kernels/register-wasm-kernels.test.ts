import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../backend/tf.js';
import { registerWasmKernels, stockWasmKernel, WASM_MISSING_KERNELS, WASM_REPLACED_KERNELS } from './register-wasm-kernels.js';
import { tinyBatch, tinyStep, tinyWeights, type TinyConfig } from './internal/tiny-transformer.js';
import { maxAbsDiff } from './internal/compare-backends.js';

describe('registerWasmKernels', () => {
  it('registers the missing kernels and the replacements once; later calls add nothing', () => {
    const missing = WASM_MISSING_KERNELS.map((k) => k.kernelName);
    const replaced = Object.keys(WASM_REPLACED_KERNELS);
    expect(missing).toContain('UnsortedSegmentSum');
    expect(replaced).toContain('BatchMatMul');
    const stock = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    expect(registerWasmKernels()).toEqual([...missing, ...replaced]);
    const replacement = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    expect(replacement).not.toBe(stock);
    expect(stockWasmKernel('BatchMatMul')!.kernelFunc).toBe(stock);
    expect(registerWasmKernels()).toEqual([]);
    // Not wrapped twice: the replacement stays the one registered first.
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(replacement);
    for (const name of missing) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('a GPT-style transformer forward+backward on wasm matches cpu to 1e-4, leaving no tensors', async () => {
    registerWasmKernels();
    // Two layers (one LayerNorm, one RMSNorm), two heads, padded rows: every op of a training step.
    const cfg: TinyConfig = { vocab: 48, dim: 32, heads: 2, layers: 2, batch: 3, seq: 12 };
    const weights = tinyWeights(cfg, 11);
    const { ids, mask } = tinyBatch(cfg, 12);
    await tf.setBackend('cpu');
    const cpu = tinyStep(cfg, weights, ids, mask);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const wasm = tinyStep(cfg, weights, ids, mask);
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(cpu.loss)).toBe(true);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4);
    expect(Object.keys(wasm.grads).sort()).toEqual(Object.keys(weights).sort());
    for (const name of Object.keys(weights)) {
      const diff = maxAbsDiff(wasm.grads[name]!, cpu.grads[name]!);
      expect(diff, `gradient of ${name}`).toBeLessThan(1e-4);
      expect(cpu.grads[name]!.some((g) => g !== 0), `gradient of ${name} is not all zero`).toBe(true);
    }
  });
});
