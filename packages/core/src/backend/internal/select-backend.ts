/**
 * The backend choice as a pure function of its inputs (loaders, env, options), so tests can run
 * it with fake loaders without touching the global tfjs engine.
 */
import { BACKEND_NAMES, parseBackendName, type BackendName } from '../backend-name.js';

/** Loads what a backend needs (dynamic imports) and returns the name tfjs registered it under. */
export type BackendLoader = () => Promise<string>;

/** Why a backend was passed over. */
export interface SkippedBackend {
  readonly name: BackendName;
  readonly reason: string;
}

/** The result of the choice; what `backendInfo()` returns. */
export interface BackendInfo {
  /** prefstream's name of the chosen backend. */
  readonly name: BackendName;
  /** The name tfjs knows it by (`tf.getBackend()`); both native builds register `tensorflow`. */
  readonly tfName: string;
  /** What decided the order: `PREFSTREAM_BACKEND`, `only`, `prefer` or the default order. */
  readonly source: 'env' | 'only' | 'prefer' | 'default';
  /** Backends tried before the chosen one, in order, with the error that ruled each out. */
  readonly skipped: readonly SkippedBackend[];
}

/** The user-facing part of the choice (parsed `initBackend` options). */
export interface SelectOptions {
  readonly prefer?: BackendName | undefined;
  readonly only?: BackendName | undefined;
}

/** Everything the choice depends on, injected so tests can fake loaders and the environment. */
export interface SelectDeps {
  readonly loaders: Readonly<Record<BackendName, BackendLoader>>;
  /** Makes a loaded backend the engine's current one; throws if it cannot initialise. */
  readonly activate: (tfName: string) => Promise<void>;
  /** Value of `PREFSTREAM_BACKEND` (undefined or empty: not set). */
  readonly env: string | undefined;
  readonly log: (line: string) => void;
}

/** The order in which backends are tried, and what decided it. */
export function backendOrder(options: SelectOptions, env: string | undefined): { order: BackendName[]; source: BackendInfo['source'] } {
  // The environment wins over code so an operator can force a backend without editing a pipeline.
  if (env !== undefined && env !== '') return { order: [parseBackendName(env, 'PREFSTREAM_BACKEND')], source: 'env' };
  if (options.only) return { order: [options.only], source: 'only' };
  if (options.prefer) return { order: [options.prefer, ...BACKEND_NAMES.filter((n) => n !== options.prefer)], source: 'prefer' };
  return { order: [...BACKEND_NAMES], source: 'default' };
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Module-not-found messages carry a long "imported from …" tail; the first line says it all.
  return message.split('\n')[0] ?? message;
}

/** Tries the backends in order; logs the choice in one line; throws naming every failure. */
export async function selectBackend(deps: SelectDeps, options: SelectOptions): Promise<BackendInfo> {
  const { order, source } = backendOrder(options, deps.env);
  const skipped: SkippedBackend[] = [];
  for (const name of order) {
    let tfName: string;
    try {
      tfName = await deps.loaders[name]();
      await deps.activate(tfName);
    } catch (err) {
      skipped.push({ name, reason: reasonOf(err) });
      continue;
    }
    const why = source === 'default' ? '' : ` (${source === 'env' ? 'PREFSTREAM_BACKEND' : source})`;
    const passed = skipped.length ? `; skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}` : '';
    deps.log(`prefstream: tensor backend ${name}${why}${passed}`);
    return { name, tfName, source, skipped };
  }
  const forced = source === 'env' ? ' (forced by PREFSTREAM_BACKEND)' : source === 'only' ? ' (forced by `only`)' : '';
  throw new Error(`no tensor backend could be loaded${forced}: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
