/**
 * Test support: run the same tensor function on cpu and on wasm and return both results as plain
 * arrays, so a wasm kernel is checked against the reference backend. Not exported.
 */
import { tf } from '../../backend/tf.js';
import type { Tensor } from '@tensorflow/tfjs';

/** One backend's result, as plain values. */
export interface Ran {
  shape: number[];
  dtype: string;
  values: number[];
}

async function runOn(backend: 'cpu' | 'wasm', fn: () => Tensor): Promise<Ran> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(fn);
  try {
    return { shape: out.shape, dtype: out.dtype, values: Array.from(await out.data()) };
  } finally {
    out.dispose();
    const after = tf.memory().numTensors;
    if (after !== before) throw new Error(`${backend}: ${after - before} tensors leaked`);
  }
}

/** Runs `fn` on cpu, then on wasm (leaving wasm selected). Throws on a leak on either. */
export async function onCpuAndWasm(fn: () => Tensor): Promise<{ cpu: Ran; wasm: Ran }> {
  const cpu = await runOn('cpu', fn);
  const wasm = await runOn('wasm', fn);
  return { cpu, wasm };
}

/** Largest |a − b| over two equal-length arrays; Infinity when lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
