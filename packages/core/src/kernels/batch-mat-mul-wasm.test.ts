import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../backend/tf.js';
import { registerWasmKernels, stockWasmKernel } from './register-wasm-kernels.js';
import { batchMatMulWasmConfig, MIN_ROUTED_WORK } from './batch-mat-mul-wasm.js';
import { maxAbsDiff, onCpuAndWasm } from './internal/compare-backends.js';
import { createRng } from '../rng/rng.js';

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

/** Registers the replacement with `minRoutedWork`, so small test shapes take the routed paths. */
function useReplacement(minRoutedWork: number): void {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(batchMatMulWasmConfig(stockWasmKernel('BatchMatMul')!, { minRoutedWork }));
}

describe('BatchMatMul on wasm (fast-path replacement)', () => {
  beforeAll(async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    useReplacement(0);
  });
  afterAll(() => {
    useReplacement(MIN_ROUTED_WORK);
  });

  it('with the default threshold, attention-sized products are routed and match cpu', async () => {
    useReplacement(MIN_ROUTED_WORK);
    try {
      // (2, 2, 64, 32)·(2, 2, 64, 32)ᵀ: M·K·N = 131072 per product ≥ MIN_ROUTED_WORK.
      const r = await onCpuAndWasm(() => tf.matMul(randomTensor([2, 2, 64, 32], 8), randomTensor([2, 2, 64, 32], 9), false, true));
      expect(maxAbsDiff(r.wasm.values, r.cpu.values)).toBeLessThan(1e-3);
      const small = await onCpuAndWasm(() => tf.matMul(randomTensor([2, 5, 3], 8), randomTensor([2, 4, 3], 9), false, true));
      expect(maxAbsDiff(small.wasm.values, small.cpu.values)).toBeLessThan(1e-4);
    } finally {
      useReplacement(0);
    }
  });

  // [a shape, b shape, transposeA, transposeB]: every routing of the kernel — stock fast path,
  // transposes (small: stock Transpose; ≥ 2^16 elements: tiled), folded batch of a over a shared b,
  // batched loop, batch broadcasting on either side, rank-4 attention shapes, odd sizes.
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [7, 3], true, false],
    [[7, 5], [3, 7], true, true],
    [[300, 260], [200, 260], false, true],
    [[260, 300], [260, 200], true, false],
    [[4, 6, 7], [7, 5], false, false],
    [[4, 6, 7], [5, 7], false, true],
    [[2, 3, 6, 7], [1, 1, 7, 5], false, false],
    [[3, 6, 7], [3, 7, 5], false, false],
    [[3, 7, 6], [3, 5, 7], true, true],
    [[1, 6, 7], [4, 7, 5], false, false],
    [[2, 1, 6, 7], [1, 3, 5, 7], false, true],
    [[2, 2, 9, 4], [2, 2, 9, 4], false, true],
    [[2, 2, 9, 9], [2, 2, 9, 4], false, false],
    [[2, 2, 9, 4], [2, 2, 9, 5], true, false],
  ];
  it.each(cases)('%j × %j (transposeA=%s, transposeB=%s) matches cpu', async (aShape, bShape, ta, tb) => {
    const r = await onCpuAndWasm(() => {
      let a = randomTensor(aShape, 1);
      let b = randomTensor(bShape, 2);
      if (tf.getBackend() === 'cpu' && aShape.length === bShape.length) {
        // The cpu kernel returns too few values when both sides broadcast ([2,1]×[1,3]): give it
        // the batch dims already broadcast, which is the same product by definition.
        const batch = aShape.slice(0, -2).map((d, i) => Math.max(d, bShape[i]!));
        a = tf.broadcastTo(a, [...batch, ...aShape.slice(-2)]);
        b = tf.broadcastTo(b, [...batch, ...bShape.slice(-2)]);
      }
      return tf.matMul(a, b, ta, tb);
    });
    expect(r.wasm.shape).toEqual(r.cpu.shape);
    // float32 sums of up to 260 products in different orders: relative error ~1e-6 per term.
    expect(maxAbsDiff(r.wasm.values, r.cpu.values)).toBeLessThan(1e-3);
  });

  it('routes by work: the stock kernel sees per-batch 2-D products, a folded product, or the original', async () => {
    await tf.setBackend('wasm');
    const stock = stockWasmKernel('BatchMatMul')!;
    const seen: string[] = [];
    const spy = { ...stock, kernelFunc: ((args: { inputs: { a: tf.TensorInfo; b: tf.TensorInfo }; attrs: { transposeA: boolean; transposeB: boolean } }) => {
      seen.push(`${args.inputs.a.shape}|${args.inputs.b.shape}|${args.attrs.transposeA}|${args.attrs.transposeB}`);
      return stock.kernelFunc(args as never);
    }) as unknown as tf.KernelFunc };
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(batchMatMulWasmConfig(spy));
    try {
      tf.tidy(() => {
        tf.matMul(tf.ones([2, 64, 32]), tf.ones([2, 64, 32]), false, true); // loop: 2 products
        tf.matMul(tf.ones([4, 32, 64]), tf.ones([64, 48])); // fold: one (128, 64)·(64, 48)
        tf.matMul(tf.ones([2, 5, 3]), tf.ones([2, 4, 3]), false, true); // too small: stock
      });
    } finally {
      useReplacement(0);
    }
    expect(seen).toEqual([
      '1,64,32|1,32,64|false|false',
      '1,64,32|1,32,64|false|false',
      '1,128,64|1,64,48|false|false',
      '2,5,3|2,4,3|false|true',
    ]);
  });

  it('gradients of a batched, transposed product match cpu', async () => {
    const r = await onCpuAndWasm(() => {
      const a = randomTensor([2, 3, 8, 4], 3);
      const b = randomTensor([2, 3, 8, 4], 4);
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, false, true))))([a, b]);
      return tf.concat([g[0]!.flatten(), g[1]!.flatten()]);
    });
    expect(maxAbsDiff(r.wasm.values, r.cpu.values)).toBeLessThan(1e-3);
  });

  it('rejects mismatched inner dims naming both shapes, and leaves no tensors', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const a = tf.ones([2, 3, 4]);
    const b = tf.ones([2, 5, 6]);
    try {
      expect(() => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: true })).toThrow(/inner dims 4 and 6 of \[2,3,4\] and \[2,5,6\]/);
    } finally {
      tf.dispose([a, b]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees its temporaries on the wasm heap (no growth of live data ids)', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const a = randomTensor([3, 6, 7], 5);
    const b = randomTensor([3, 5, 7], 6);
    tf.matMul(a, b, false, true).dispose();
    const ids = backend.numDataIds();
    for (let i = 0; i < 3; i++) tf.matMul(a, b, false, true).dispose();
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([a, b]);
  });
});
