import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractVector, VECTOR_MANIFEST_FILE } from './extract-vector.js';
import { readTinyCheckpoint, TINY_CONFIG, writeTinyCheckpoint } from './internal/tiny-checkpoint.js';

let tmp: string;
beforeEach(async () => void (tmp = await mkdtemp(path.join(tmpdir(), 'extract-vector-'))));
afterEach(async () => rm(tmp, { recursive: true, force: true }));
const at = (name: string) => path.join(tmp, name);

describe('extractVector', () => {
  it('T12: v = θ_GRPO − θ_SFT = (2, 0.5) − (1.5, 1) = (0.5, −0.5), with a manifest of its inputs', async () => {
    await writeTinyCheckpoint(at('sft'), { w: { values: [1.5, 1] }, step: { values: [7], dtype: 'I64' } });
    await writeTinyCheckpoint(at('grpo'), { w: { values: [2, 0.5] }, step: { values: [9], dtype: 'I64' } });
    const s = await extractVector({ base: at('sft'), tuned: at('grpo'), out: at('v') });
    expect(await readTinyCheckpoint(at('v'))).toEqual({ w: { dtype: 'F32', shape: [2], values: [0.5, -0.5] } });
    expect(s).toMatchObject({ tensorsWritten: 1, computed: 1, nonFloat: 1, bytesWritten: 8, files: ['model.safetensors'] });
    const manifest = JSON.parse(await readFile(at(`v/${VECTOR_MANIFEST_FILE}`), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'task_vector', formula: 'v = tuned - base', base: { path: at('sft') }, tuned: { path: at('grpo') } });
    expect(manifest.base.weights_header_sha256).toMatch(/^[0-9a-f]{64}$/);
    // The header fingerprint identifies the layout (names, dtypes, shapes, offsets), not the values.
    expect(manifest.base.weights_header_sha256).toBe(manifest.tuned.weights_header_sha256);
    expect(Date.parse(manifest.created_at)).not.toBeNaN();
    expect(JSON.parse(await readFile(at('v/config.json'), 'utf8'))).toEqual(TINY_CONFIG);
  });

  it('keeps F16 and BF16 storage (float32 arithmetic, one rounding at the end) and can store F32', async () => {
    for (const dtype of ['F16', 'BF16'] as const) {
      await writeTinyCheckpoint(at(`b-${dtype}`), { w: { values: [1, 2.5, -3], dtype } });
      await writeTinyCheckpoint(at(`t-${dtype}`), { w: { values: [1.5, 2, -2], dtype } });
      await extractVector({ base: at(`b-${dtype}`), tuned: at(`t-${dtype}`), out: at(`v-${dtype}`) });
      expect((await readTinyCheckpoint(at(`v-${dtype}`))).w).toEqual({ dtype, shape: [3], values: [0.5, -0.5, 1] });
    }
    await extractVector({ base: at('b-BF16'), tuned: at('t-BF16'), out: at('v-f32'), dtype: 'F32' });
    expect((await readTinyCheckpoint(at('v-f32'))).w!.dtype).toBe('F32');
  });

  it('refuses different shapes, missing and extra tensors, architectures and tokenizers — writing nothing', async () => {
    await writeTinyCheckpoint(at('base'), { a: { values: [1, 2] }, b: { values: [3] } }, { files: { 'tokenizer.json': '{"model":{"vocab":{"x":0}},"added_tokens":[]}' } });
    const cases: [string, Parameters<typeof writeTinyCheckpoint>[1], Parameters<typeof writeTinyCheckpoint>[2], RegExp][] = [
      ['shape', { a: { values: [1, 2, 3] }, b: { values: [3] } }, {}, /field "a": shape \[2\] differs from \[3\]/],
      ['missing', { a: { values: [1, 2] } }, {}, /base, field "b": tensor is not in .*missing/],
      ['extra', { a: { values: [1, 2] }, b: { values: [3] }, c: { values: [0] } }, {}, /base, field "c": missing tensor \(.*extra has it\)/],
      ['arch', { a: { values: [1, 2] }, b: { values: [3] } }, { config: { ...TINY_CONFIG, hidden_size: 4 } }, /base\/config\.json, field "hidden_size": different architecture: 2 here but 4 in .*arch/],
      ['tok', { a: { values: [1, 2] }, b: { values: [3] } }, { files: { 'tokenizer.json': '{"model":{"vocab":{"y":0}},"added_tokens":[]}' } }, /base: different tokenizer vocabulary than .*tok/],
    ];
    for (const [name, tensors, opts, message] of cases) {
      await writeTinyCheckpoint(at(name), tensors, opts);
      await expect(extractVector({ base: at('base'), tuned: at(name), out: at(`v-${name}`) })).rejects.toThrow(message);
      expect(existsSync(at(`v-${name}`))).toBe(false);
    }
    expect((await readdir(tmp)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('a tokenizer re-saved with another chat template or key order still matches', async () => {
    await writeTinyCheckpoint(at('b'), { a: { values: [1] } }, { files: { 'tokenizer.json': '{"model":{"vocab":{"x":0,"y":1}},"added_tokens":[],"normalizer":null}' } });
    await writeTinyCheckpoint(at('t'), { a: { values: [2] } }, { files: { 'tokenizer.json': '{"added_tokens":[],"model":{"vocab":{"y":1,"x":0}}}' } });
    await expect(extractVector({ base: at('b'), tuned: at('t'), out: at('v') })).resolves.toMatchObject({ computed: 1 });
  });

  it('is atomic: a failure mid-write leaves neither the output nor a partial directory, and an existing output is never overwritten', async () => {
    await writeTinyCheckpoint(at('b'), { a: { values: [1] }, b: { values: [2] } });
    await writeTinyCheckpoint(at('t'), { a: { values: [2] }, b: { values: [3] } });
    const fail = () => {
      throw new Error('disk full');
    };
    await expect(extractVector({ base: at('b'), tuned: at('t'), out: at('v'), onTensor: fail })).rejects.toThrow('disk full');
    expect(await readdir(tmp)).toEqual(['b', 't']);
    await extractVector({ base: at('b'), tuned: at('t'), out: at('v') });
    await expect(extractVector({ base: at('b'), tuned: at('t'), out: at('v') })).rejects.toThrow(/already exists/);
  });
});
