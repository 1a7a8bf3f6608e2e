import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@prefstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTinyCheckpoint, TINY_CONFIG, writeTinyCheckpoint } from './internal/tiny-checkpoint.js';
import { mergeCheckpoints } from './merge-checkpoints.js';
import { parseMergeConfig } from './merge-config.js';

let tmp: string;
beforeEach(async () => void (tmp = await mkdtemp(path.join(tmpdir(), 'merge-checkpoints-'))));
afterEach(async () => rm(tmp, { recursive: true, force: true }));
const at = (name: string) => path.join(tmp, name);

async function t12() {
  await writeTinyCheckpoint(at('sft'), { w: { values: [1.5, 1] } });
  await writeTinyCheckpoint(at('grpo'), { w: { values: [2, 0.5] } });
  await writeTinyCheckpoint(at('target'), { w: { values: [0, 0] } });
}
const config = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  merge_method: 'task_arithmetic',
  base_model: at('sft'),
  models: [
    { model: at('grpo'), parameters: { weight: 0.5 } },
    { model: at('target'), parameters: { weight: 1 } },
  ],
  parameters,
  ...extra,
});
const w = async (dir: string) => (await readTinyCheckpoint(dir)).w!;

describe('mergeCheckpoints (mergekit task_arithmetic)', () => {
  it('T12: base SFT, weights {GRPO 0.5, target 1}: normalize false ⇒ (0.25, −0.25); true ⇒ (0.6666667, 0.1666667)', async () => {
    await t12();
    // Σ w·(M − B) = 0.5·(0.5, −0.5) + 1·(−1.5, −1) = (−1.25, −1.25); B + that = (0.25, −0.25).
    await mergeCheckpoints(config({}), { out: at('default') });
    expect((await w(at('default'))).values).toEqual([0.25, -0.25]);
    await mergeCheckpoints(config({ normalize: false, lambda: 1 }), { out: at('false') });
    expect((await w(at('false'))).values).toEqual([0.25, -0.25]);
    // normalize: divide by Σw = 1.5 ⇒ (−0.8333…, −0.8333…); B + that = (0.6666667, 0.1666667).
    await mergeCheckpoints(config({ normalize: true }), { out: at('true') });
    const [a, b] = (await w(at('true'))).values;
    expect(a).toBeCloseTo(0.6666667, 6);
    expect(b).toBeCloseTo(0.1666667, 6);
  });

  it('λ scales the mixed delta; the base listed among the models is not a task vector (as mergekit)', async () => {
    await t12();
    const withBase = config({ lambda: 2 });
    withBase.models.push({ model: at('sft'), parameters: { weight: 5 } });
    await mergeCheckpoints(withBase, { out: at('o') });
    // B + 2·(−1.25, −1.25) = (−1, −1.5); the base's weight 5 would change a normalized sum if counted.
    expect((await w(at('o'))).values).toEqual([-1, -1.5]);
    const manifest = JSON.parse(await readFile(at('o/merge_manifest.json'), 'utf8'));
    expect(manifest.models).toHaveLength(2);
  });

  it('writes dtype / out_dtype (computing in float32) and records it in config.json', async () => {
    await t12();
    await mergeCheckpoints(config({}, { dtype: 'bfloat16' }), { out: at('bf16') });
    expect(await w(at('bf16'))).toEqual({ dtype: 'BF16', shape: [2], values: [0.25, -0.25] });
    expect(JSON.parse(await readFile(at('bf16/config.json'), 'utf8'))).toEqual({ ...TINY_CONFIG, torch_dtype: 'bfloat16' });
    await mergeCheckpoints(config({}, { dtype: 'bfloat16', out_dtype: 'float16' }), { out: at('f16') });
    expect((await w(at('f16'))).dtype).toBe('F16');
  });

  it('unknown keys are errors that list the valid keys, at every level', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...config({}), slices: [] }, /unknown key "slices"; valid keys: merge_method, base_model, models, parameters, dtype, out_dtype/],
      [config({ normalise: true }), /unknown key "normalise"; valid keys: lambda, normalize/],
      [{ ...config({}), models: [{ model: 'x', parameters: { weight: 1, density: 0.5 } }] }, /models\[0\] \(x\) parameters[\s\S]*unknown key "density"; valid keys: weight/],
      [{ ...config({}), models: [{ model: 'x', parameters: {} }] }, /weight/],
      [{ ...config({}), merge_method: 'ties' }, /merge method "ties" is not supported; supported: task_arithmetic/],
    ];
    for (const [value, message] of bad) {
      expect(() => parseMergeConfig(value, 'merge.yaml')).toThrow(ConfigError);
      expect(() => parseMergeConfig(value, 'merge.yaml')).toThrow(message);
    }
  });

  it('refuses models of another shape before writing anything', async () => {
    await t12();
    await writeTinyCheckpoint(at('wide'), { w: { values: [1, 2, 3] } });
    const c = config({});
    c.models[1] = { model: at('wide'), parameters: { weight: 1 } };
    await expect(mergeCheckpoints(c, { out: at('o') })).rejects.toThrow(/wide, field "w": shape \[3\] differs from \[2\]/);
    expect(existsSync(at('o'))).toBe(false);
  });
});
