import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../backend/tf.js';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { maxAbsDiff, onCpuAndWasm } from './internal/compare-backends.js';
import { createRng } from '../rng/rng.js';

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(() => {
    registerWasmKernels();
  });

  // (x shape, ids, numSegments): rank-1 ids over a matrix, ids of rank 2 over rank 3, repeated
  // ids, a segment nobody hits (must be 0), out-of-range and negative ids (dropped, like cpu).
  const cases: [string, number[], number[], number][] = [
    ['rank-1 ids, matrix', [5, 3], [2, 0, 2, 1, 0], 3],
    ['ids = x shape (scalar blocks)', [6], [0, 0, 0, 1, 1, 4], 5],
    ['out-of-range and negative ids dropped', [4, 2], [0, 7, -1, 1], 2],
  ];
  it.each(cases)('%s matches cpu', async (_name, xShape, ids, numSegments) => {
    const n = xShape.reduce((a, b) => a * b, 1);
    const xs = randomArray(n, 7);
    const r = await onCpuAndWasm(() => tf.unsortedSegmentSum(tf.tensor(xs, xShape), tf.tensor1d(ids, 'int32'), numSegments));
    expect(r.wasm.shape).toEqual(r.cpu.shape);
    expect(maxAbsDiff(r.wasm.values, r.cpu.values)).toBeLessThan(1e-5);
  });

  it('rank-2 ids over rank-3 x equal rank-1 ids over the flattened x (cpu mis-broadcasts this case)', async () => {
    const xs = randomArray(2 * 3 * 4, 9);
    const ids = [1, 1, 0, 3, 1, 0];
    await tf.setBackend('wasm');
    const [nested, flat] = tf.tidy(() => [
      tf.unsortedSegmentSum(tf.tensor3d(xs, [2, 3, 4]), tf.tensor2d(ids, [2, 3], 'int32') as unknown as tf.Tensor1D, 4),
      tf.unsortedSegmentSum(tf.tensor2d(xs, [6, 4]), tf.tensor1d(ids, 'int32'), 4),
    ]);
    const reference = await onCpuAndWasm(() => tf.unsortedSegmentSum(tf.tensor2d(xs, [6, 4]), tf.tensor1d(ids, 'int32'), 4));
    expect(nested!.shape).toEqual([4, 4]);
    expect(maxAbsDiff(await nested!.data(), await flat!.data())).toBe(0);
    expect(maxAbsDiff(await nested!.data(), reference.cpu.values)).toBeLessThan(1e-5);
    tf.dispose([nested!, flat!]);
  });

  it('sums int32 exactly and keeps the int32 dtype (cpu upcasts to float32; values agree)', async () => {
    const r = await onCpuAndWasm(() => tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 0, 1], 'int32'), 2));
    expect(r.wasm.values).toEqual([3, 4, 6, 8]);
    expect(r.wasm.values).toEqual(r.cpu.values);
    expect(r.wasm.dtype).toBe('int32');
  });

  it('makes the gradient of gather work (embedding lookup) and match cpu', async () => {
    const table = randomArray(10 * 4, 3);
    const r = await onCpuAndWasm(() => {
      const w = tf.tensor2d(table, [10, 4]);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor2d([[1, 3, 1], [9, 0, 1]], [2, 3], 'int32')))));
      return grad(w);
    });
    expect(maxAbsDiff(r.wasm.values, r.cpu.values)).toBeLessThan(1e-5);
    expect(r.wasm.values.some((v) => v !== 0)).toBe(true);
  });

  it('names what is wrong for bad inputs', async () => {
    await tf.setBackend('wasm');
    // tfjs-core's op checks dtypes before the kernel; call the kernel directly to reach our checks.
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const badIds = tf.tensor1d([0, 1, 0], 'int32');
    const boolX = tf.tensor1d([1, 0], 'bool');
    const ids = tf.tensor1d([0, 1], 'int32');
    try {
      expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: badIds }, { numSegments: 2 })).toThrow(/must be a prefix of x shape/);
      expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x: boolX, segmentIds: ids }, { numSegments: 2 })).toThrow(/float32 or int32, got bool/);
      expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 1.5 })).toThrow(/non-negative integer/);
    } finally {
      tf.dispose([x, badIds, boolX, ids]);
    }
  });

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.unsortedSegmentSum(tf.ones([4, 3]), tf.tensor1d([0, 1, 0, 1], 'int32'), 2));
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
