/**
 * Closes the gaps of the wasm backend once, for every package (DESIGN §2): kernels it lacks, and
 * faster replacements where a bench showed them faster and a test showed them equal to cpu.
 */
import { tf } from '../backend/tf.js';
import type { KernelConfig } from '@tensorflow/tfjs';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum-wasm.js';
import { batchMatMulWasmConfig } from './batch-mat-mul-wasm.js';

/** Kernels wasm lacks in tfjs 4.22 that training needs; see the README's "Tensor backend". */
export const WASM_MISSING_KERNELS: readonly KernelConfig[] = [unsortedSegmentSumWasmConfig];

/**
 * Stock wasm kernels replaced by faster ones, by kernel name: each factory wraps the stock
 * registration (the replacement delegates to it). Kept only where the bench showed a gain.
 */
export const WASM_REPLACED_KERNELS: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>> = {
  BatchMatMul: (stock) => batchMatMulWasmConfig(stock),
};

/** Replacement configs this module registered, to stay idempotent. */
const ours = new WeakSet<KernelConfig['kernelFunc']>();
/** The stock registrations that were replaced, by kernel name. */
const stockByName = new Map<string, KernelConfig>();

/**
 * The wasm backend's own registration of a kernel that {@link registerWasmKernels} replaced, so a
 * bench can time both in one run (`tf.unregisterKernel` + `tf.registerKernel` to switch).
 *
 * @example const stock = stockWasmKernel('BatchMatMul'); // undefined before registerWasmKernels()
 */
export function stockWasmKernel(name: string): KernelConfig | undefined {
  return stockByName.get(name);
}

/**
 * Registers the kernels wasm lacks and the faster replacements. Idempotent: a kernel that already exists for wasm (registered
 * by an earlier call, or by a later tfjs release) is left alone. `initBackend` calls it when it
 * picks wasm; call it yourself only when you select wasm without `initBackend` (tests, benches).
 *
 * Import `@tensorflow/tfjs-backend-wasm` first: replacements wrap its stock kernels.
 *
 * @returns the names of the kernels this call registered or replaced (empty on later calls)
 * @example
 * await import('@tensorflow/tfjs-backend-wasm'); registerWasmKernels(); await tf.setBackend('wasm');
 */
export function registerWasmKernels(): string[] {
  const added: string[] = [];
  for (const config of WASM_MISSING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  for (const [name, replace] of Object.entries(WASM_REPLACED_KERNELS)) {
    const stock = tf.getKernel(name, 'wasm');
    // Absent: the wasm backend package is not loaded yet; nothing to wrap.
    if (stock === undefined || ours.has(stock.kernelFunc)) continue;
    const replacement = replace(stock);
    stockByName.set(name, stock);
    ours.add(replacement.kernelFunc);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(replacement);
    added.push(name);
  }
  return added;
}
