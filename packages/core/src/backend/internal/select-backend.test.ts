import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, type BackendName } from '../backend-name.js';
import { backendOrder, selectBackend, type BackendLoader, type SelectDeps } from './select-backend.js';

/** Fake loaders: names in `absent` throw like a missing optional package; the rest load. */
function fakeDeps(absent: BackendName[], env?: string): SelectDeps & { lines: string[]; loaded: string[] } {
  const lines: string[] = [];
  const loaded: string[] = [];
  const loaders = Object.fromEntries(
    BACKEND_NAMES.map((name): [BackendName, BackendLoader] => [
      name,
      async () => {
        loaded.push(name);
        if (absent.includes(name)) throw new Error(`Cannot find package '@fake/${name}'\nimported from somewhere`);
        return name === 'tensorflow-gpu' ? 'tensorflow' : name;
      },
    ]),
  ) as Record<BackendName, BackendLoader>;
  return { loaders, activate: async () => {}, env, log: (l) => lines.push(l), lines, loaded };
}

describe('selectBackend', () => {
  it('takes the first that loads in the default order and reports each skip with its reason', async () => {
    const deps = fakeDeps(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    const info = await selectBackend(deps, {});
    expect(info.name).toBe('wasm');
    expect(info.source).toBe('default');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    expect(info.skipped[0]!.reason).toBe("Cannot find package '@fake/tensorflow-gpu'");
    expect(deps.loaded).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm']);
  });

  it('logs the choice in exactly one line naming the skipped backends', async () => {
    const deps = fakeDeps(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm']);
    await selectBackend(deps, {});
    expect(deps.lines).toHaveLength(1);
    expect(deps.lines[0]).toMatch(/^prefstream: tensor backend cpu; skipped tensorflow-gpu: .*webgpu: .*wasm: /);
  });

  it('a backend that loads but fails to activate is skipped too', async () => {
    const deps = { ...fakeDeps([]), activate: async (n: string) => { if (n === 'tensorflow') throw new Error('no libtensorflow'); } };
    const info = await selectBackend(deps, {});
    expect(info.name).toBe('webgpu');
    expect(info.skipped).toEqual([{ name: 'tensorflow-gpu', reason: 'no libtensorflow' }, { name: 'tensorflow', reason: 'no libtensorflow' }]);
  });

  it('prefer moves one backend to the front and keeps the rest as fallbacks', async () => {
    expect(backendOrder({ prefer: 'wasm' }, undefined).order).toEqual(['wasm', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'cpu']);
    const info = await selectBackend(fakeDeps(['wasm', 'tensorflow-gpu', 'tensorflow']), { prefer: 'wasm' });
    expect(info).toMatchObject({ name: 'webgpu', source: 'prefer' });
  });

  it('only allows nothing else and fails naming why', async () => {
    await expect(selectBackend(fakeDeps(['webgpu']), { only: 'webgpu' })).rejects.toThrow(/forced by `only`.*webgpu: Cannot find package/);
  });

  it('PREFSTREAM_BACKEND overrides prefer and only', async () => {
    const deps = fakeDeps([], 'cpu');
    const info = await selectBackend(deps, { prefer: 'wasm', only: 'wasm' });
    expect(info).toMatchObject({ name: 'cpu', source: 'env', skipped: [] });
    expect(deps.loaded).toEqual(['cpu']);
    expect(deps.lines).toEqual(['prefstream: tensor backend cpu (PREFSTREAM_BACKEND)']);
  });

  it('an empty PREFSTREAM_BACKEND counts as unset', () => {
    expect(backendOrder({}, '').source).toBe('default');
  });

  it('an unknown PREFSTREAM_BACKEND names the variable and lists the valid values', async () => {
    await expect(selectBackend(fakeDeps([], 'tpu'), {})).rejects.toThrow(
      'PREFSTREAM_BACKEND: unknown backend "tpu"; valid values: tensorflow-gpu, tensorflow, webgpu, wasm, cpu',
    );
  });
});
