/**
 * Loading one backend by name without selecting it, for benches and diagnostics that compare
 * backends in one process. Pipelines use {@link initBackend} instead.
 */
import type { BackendName } from './backend-name.js';
import { BACKEND_LOADERS } from './internal/backend-loaders.js';

/**
 * Imports what backend `name` needs (optional packages included; wasm also gets its kernels
 * registered) and returns the name tfjs registered it under, for `tf.setBackend`.
 *
 * @throws the import error when an optional package is absent
 * @example const tfName = await loadBackend('wasm'); await tf.setBackend(tfName);
 */
export function loadBackend(name: BackendName): Promise<string> {
  return BACKEND_LOADERS[name]();
}
