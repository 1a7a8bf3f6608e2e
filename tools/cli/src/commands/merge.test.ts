import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CheckpointReader, float32ToRaw, rawToFloat32, writeCheckpoint } from '@prefstream/model';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './command.js';
import { merge } from './merge.js';

const CONFIG = { model_type: 'llama', vocab_size: 4, hidden_size: 2, num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: 4, tie_word_embeddings: false };
let tmp: string;
const at = (name: string) => path.join(tmp, name);

async function tiny(dir: string, w: number[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(CONFIG));
  await writeCheckpoint(dir, new Map([['w', float32ToRaw(new Float32Array(w), [w.length], 'F32')]]));
}

async function read(dir: string): Promise<number[]> {
  const r = await CheckpointReader.open(dir);
  try {
    return [...rawToFloat32(await r.read('w'))];
  } finally {
    await r.close();
  }
}

/** T12's mergekit config as YAML, with `extra` lines appended. */
async function yaml(name: string, normalize: boolean, extra = ''): Promise<string> {
  const file = at(name);
  await writeFile(
    file,
    `merge_method: task_arithmetic
base_model: ${at('sft')}
models:
  - model: ${at('grpo')}
    parameters:
      weight: 0.5
  - model: ${at('target')}
    parameters:
      weight: 1.0
parameters:
  normalize: ${normalize}
dtype: float32
${extra}`,
  );
  return file;
}

beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'cli-merge-'));
  await tiny(at('sft'), [1.5, 1]);
  await tiny(at('grpo'), [2, 0.5]);
  await tiny(at('target'), [0, 0]);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
});

describe('prefstream merge', () => {
  it('T12 with a mergekit YAML: normalize false ⇒ (0.25, −0.25), true ⇒ (0.6666667, 0.1666667)', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await merge.run([await yaml('false.yaml', false), '--out', at('o-false')])).toBe(0);
    expect(await read(at('o-false'))).toEqual([0.25, -0.25]);
    expect(await merge.run([await yaml('true.yaml', true), '--out', at('o-true')])).toBe(0);
    const [a, b] = await read(at('o-true'));
    expect(a).toBeCloseTo(0.6666667, 6);
    expect(b).toBeCloseTo(0.1666667, 6);
  });

  it('a config with unknown keys errors listing the valid keys, and writes nothing', async () => {
    const file = await yaml('bad.yaml', false, 'tokenizer_source: union\n');
    await expect(merge.run([file, '--out', at('o')])).rejects.toThrow(/bad\.yaml: invalid configuration[\s\S]*unknown key "tokenizer_source"; valid keys: merge_method, base_model, models, parameters, dtype, out_dtype/);
    expect(existsSync(at('o'))).toBe(false);
    await expect(merge.run([file])).rejects.toThrow(UsageError);
    await expect(merge.run([at('missing.yaml'), '--out', at('o')])).rejects.toThrow(/missing\.yaml: cannot read the merge config/);
  });
});
