/**
 * Closes the gaps of the wasm backend once, for every package (DESIGN §2): kernels it lacks, and
 * faster replacements where a bench showed them faster and a test showed them equal to cpu.
 */
import { tf } from '../backend/tf.js';
import type { KernelConfig } from '@tensorflow/tfjs';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum-wasm.js';

/** Kernels wasm lacks in tfjs 4.22 that training needs; see the README's "Tensor backend". */
export const WASM_MISSING_KERNELS: readonly KernelConfig[] = [unsortedSegmentSumWasmConfig];

/**
 * Registers the kernels wasm lacks. Idempotent: a kernel that already exists for wasm (registered
 * by an earlier call, or by a later tfjs release) is left alone. `initBackend` calls it when it
 * picks wasm; call it yourself only when you select wasm without `initBackend` (tests, benches).
 *
 * @returns the names of the kernels this call registered (empty on later calls)
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
  return added;
}
