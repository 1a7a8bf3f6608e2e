/**
 * Starts a worker thread on a module of this package, both from the TypeScript sources (tests,
 * `tsx`) and from the built `dist/`. Built: the `.js` file beside this one runs directly. Sources:
 * Node cannot run `.ts` in a worker, and a worker ignores `--import` in `execArgv` (Node 20), so a
 * tiny bootstrap registers tsx's ESM hooks inside the thread first, then imports the entry; the
 * `@prefstream/source` condition makes workspace packages resolve to their sources as in tests.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const here = import.meta.url;
/** True when running from `src/*.ts` (not the build). */
const fromSources = /\.ts$/.test(new URL(here).pathname);

/** URL of module `name` (without extension) of this package's `internal/` folder, as it runs now. */
export function internalModuleUrl(name: string): string {
  return new URL(`./${name}${fromSources ? '.ts' : '.js'}`, here).href;
}

/** A worker running `internal/<name>` with `workerData`. */
export function spawnWorker(name: string, workerData: unknown): Worker {
  const entry = internalModuleUrl(name);
  if (!fromSources) return new Worker(new URL(entry), { workerData });
  const require = createRequire(here);
  // tsx's exports map `tsx/esm/api` to index.cjs for require and index.mjs for import; the bootstrap imports the ESM one.
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: ['--conditions=@prefstream/source'] });
}
