/**
 * The names of the tensor backends prefstream can run on, in the default order of preference
 * (DESIGN §2): native CUDA, native CPU, WebGPU (Dawn), WebAssembly (XNNPACK, SIMD), pure JS.
 */
import { ConfigError } from '../errors/config-error.js';

/** Default order: the first that loads is used. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * Checks a backend name coming from config or the environment.
 *
 * @param value the name as written by the user
 * @param where where it came from (`PREFSTREAM_BACKEND`, `initBackend.only`), named in the error
 * @throws ConfigError listing the valid names
 * @example parseBackendName('wasm', 'PREFSTREAM_BACKEND') // 'wasm'
 */
export function parseBackendName(value: string, where: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new ConfigError(where, `unknown backend "${value}"; valid values: ${BACKEND_NAMES.join(', ')}`);
}
