/**
 * Picks the tensor backend once per process: the first of
 * tensorflow-gpu → tensorflow → webgpu → wasm → cpu that loads (DESIGN §2).
 */
import { tf } from './tf.js';

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface InitBackendOptions {
  /** Try this backend first; the rest of the default order follows as fallbacks. */
  prefer?: BackendName;
  /** Only this backend; fail if it does not load (`PREFSTREAM_BACKEND` sets this). */
  only?: BackendName;
  log?: (line: string) => void;
}

export interface BackendInfo {
  name: BackendName;
  tfName: string;
  tried: { name: BackendName; error: string }[];
}

type Loader = () => Promise<string>;

/** Optional packages are loaded by computed specifiers so bundlers and tsc never require them. */
async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

const LOADERS: Record<BackendName, Loader> = {
  'tensorflow-gpu': async () => {
    await importOptional('@tensorflow/tfjs-node-gpu');
    return 'tensorflow';
  },
  tensorflow: async () => {
    await importOptional('@tensorflow/tfjs-node');
    return 'tensorflow';
  },
  webgpu: async () => {
    const dawn = (await importOptional('webgpu')) as { create: (o: string[]) => unknown; globals: object };
    Object.assign(globalThis, dawn.globals);
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
    (globalThis as unknown as { navigator: { gpu: unknown } }).navigator.gpu = dawn.create([]);
    await importOptional('@tensorflow/tfjs-backend-webgpu');
    return 'webgpu';
  },
  wasm: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    return 'wasm';
  },
  cpu: async () => 'cpu',
};

let chosen: Promise<BackendInfo> | undefined;

function orderFor(options: InitBackendOptions): BackendName[] {
  const env = process.env.PREFSTREAM_BACKEND;
  const only = options.only ?? (env ? parseBackendName(env, 'PREFSTREAM_BACKEND') : undefined);
  if (only) return [only];
  const rest = BACKEND_NAMES.filter((n) => n !== options.prefer);
  return options.prefer ? [options.prefer, ...rest] : [...rest];
}

export function parseBackendName(value: string, source: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`${source}: unknown backend "${value}"; valid values: ${BACKEND_NAMES.join(', ')}`);
}

async function pick(options: InitBackendOptions): Promise<BackendInfo> {
  const tried: BackendInfo['tried'] = [];
  for (const name of orderFor(options)) {
    try {
      const tfName = await LOADERS[name]();
      if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') returned false`);
      await tf.ready();
      const info = { name, tfName, tried };
      (options.log ?? ((l: string) => console.error(l)))(
        `prefstream: tensor backend ${name}` + (tried.length ? ` (skipped: ${tried.map((t) => t.name).join(', ')})` : ''),
      );
      return info;
    } catch (err) {
      tried.push({ name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new Error(`no tensor backend could be loaded: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

/** Loads and selects the backend once per process; later calls return the first choice. */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  chosen ??= pick(options);
  return chosen;
}
