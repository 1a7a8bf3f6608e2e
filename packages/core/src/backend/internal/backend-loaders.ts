/**
 * How each backend is loaded (DESIGN §2). Native and WebGPU packages are optional: they are not
 * dependencies (their install scripts download binaries), so they are imported by computed
 * specifiers that neither tsc nor bundlers try to resolve, and a missing package is a skip.
 */
import type { BackendName } from '../backend-name.js';
import type { BackendLoader } from './select-backend.js';
import { registerWasmKernels } from '../../kernels/register-wasm-kernels.js';

async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

interface DawnModule {
  create(options: string[]): unknown;
  globals: object;
}

async function loadWebgpu(): Promise<string> {
  // The `webgpu` package is Dawn for Node; tfjs-backend-webgpu expects the browser globals.
  const dawn = (await importOptional('webgpu')) as DawnModule;
  Object.assign(globalThis, dawn.globals);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  (globalThis as unknown as { navigator: { gpu: unknown } }).navigator.gpu = dawn.create([]);
  await importOptional('@tensorflow/tfjs-backend-webgpu');
  return 'webgpu';
}

/** The real loaders, by prefstream backend name. */
export const BACKEND_LOADERS: Readonly<Record<BackendName, BackendLoader>> = {
  'tensorflow-gpu': async () => {
    await importOptional('@tensorflow/tfjs-node-gpu');
    return 'tensorflow';
  },
  tensorflow: async () => {
    await importOptional('@tensorflow/tfjs-node');
    return 'tensorflow';
  },
  webgpu: loadWebgpu,
  wasm: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    // Before activation, so the kernels' setup functions run when the backend initialises.
    registerWasmKernels();
    return 'wasm';
  },
  cpu: async () => 'cpu',
};
