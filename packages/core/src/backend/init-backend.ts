/**
 * Picks the tensor backend once per process: the first of
 * tensorflow-gpu → tensorflow → webgpu → wasm → cpu that loads (DESIGN §2).
 */
import { z } from 'zod';
import { parseConfig } from '../errors/config-error.js';
import { BACKEND_NAMES } from './backend-name.js';
import { BACKEND_LOADERS } from './internal/backend-loaders.js';
import { selectBackend, type BackendInfo } from './internal/select-backend.js';
import { tf } from './tf.js';

export type { BackendInfo, SkippedBackend } from './internal/select-backend.js';

/** Options of {@link initBackend}. `PREFSTREAM_BACKEND` overrides both `prefer` and `only`. */
export const InitBackendOptions = z.strictObject({
  /** Try this backend first; the rest of the default order follows as fallbacks. */
  prefer: z.enum(BACKEND_NAMES).optional(),
  /** Only this backend; fail if it does not load. */
  only: z.enum(BACKEND_NAMES).optional(),
  /** Where the one line naming the choice goes (default: stderr). */
  log: z.custom<(line: string) => void>((v) => typeof v === 'function', 'log must be a function (line: string) => void').optional(),
});
/** Options of {@link initBackend}, as written by callers (all optional). */
export type InitBackendOptions = z.input<typeof InitBackendOptions>;

let chosen: Promise<BackendInfo> | undefined;
let info: BackendInfo | undefined;

async function activate(tfName: string): Promise<void> {
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') failed to initialise`);
  await tf.ready();
}

/**
 * Loads and selects the backend, once per process: every call returns the same promise, and the
 * options of later calls are ignored (the engine is global; a second backend would split tensors
 * between two heaps). A failed initialisation may be retried. When wasm is chosen, the kernels it
 * lacks are registered ({@link registerWasmKernels}).
 *
 * Rejects with a ConfigError for unknown option keys or backend names (listing the valid ones),
 * and with an Error naming every backend's failure when none loads.
 * @example
 * const { name } = await initBackend({ prefer: 'wasm' }); // logs "prefstream: tensor backend wasm (prefer)"
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (chosen) return chosen;
  let parsed: z.output<typeof InitBackendOptions>;
  try {
    parsed = parseConfig(InitBackendOptions, options, 'initBackend');
  } catch (err) {
    return Promise.reject(err); // a promise-returning function rejects, never throws
  }
  const log = parsed.log ?? ((line: string) => console.error(line));
  chosen = selectBackend({ loaders: BACKEND_LOADERS, activate, env: process.env.PREFSTREAM_BACKEND, log }, parsed).then(
    (result) => {
      info = result;
      return result;
    },
    (err: unknown) => {
      chosen = undefined;
      throw err;
    },
  );
  return chosen;
}

/**
 * The backend chosen by {@link initBackend}: its name, the tfjs name, what decided the order and
 * which backends were skipped and why. `undefined` until `initBackend` has resolved.
 *
 * @example backendInfo()?.skipped.map((s) => s.name) // ['tensorflow-gpu', 'tensorflow', 'webgpu']
 */
export function backendInfo(): BackendInfo | undefined {
  return info;
}
