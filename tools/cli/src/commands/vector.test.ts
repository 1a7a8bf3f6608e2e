import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend, tf } from '@prefstream/core';
import { CausalLM, CheckpointReader, float32ToRaw, rawToFloat32, writeCheckpoint, type RawTensor } from '@prefstream/model';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './command.js';
import { vector } from './vector.js';

const GPT2 = path.resolve(import.meta.dirname, '../../../../packages/model/fixtures/gpt2');
const CONFIG = { model_type: 'llama', vocab_size: 4, hidden_size: 2, num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: 4, tie_word_embeddings: false };

let tmp: string;
const at = (name: string) => path.join(tmp, name);

async function tiny(dir: string, w: number[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(CONFIG));
  await writeCheckpoint(dir, new Map([['w', float32ToRaw(new Float32Array(w), [w.length], 'F32')]]));
}

async function read(dir: string, name: string): Promise<number[]> {
  const r = await CheckpointReader.open(dir);
  try {
    return [...rawToFloat32(await r.read(name))];
  } finally {
    await r.close();
  }
}

async function run(argv: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    expect(await vector.run(argv)).toBe(0);
    return lines.join('\n');
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});
beforeEach(async () => void (tmp = await mkdtemp(path.join(tmpdir(), 'cli-vector-'))));
afterEach(async () => rm(tmp, { recursive: true, force: true }));

describe('prefstream vector', () => {
  it('T12 end to end: extract GRPO − SFT, apply to (0, 0) with α = 1 and 0.5', async () => {
    await tiny(at('sft'), [1.5, 1]);
    await tiny(at('grpo'), [2, 0.5]);
    await tiny(at('target'), [0, 0]);
    const out = await run(['extract', '--base', at('sft'), '--tuned', at('grpo'), '--out', at('v')]);
    expect(out).toMatch(/^wrote .*\/v: 1 tensors, 1 computed, 0\.0 MB in 1 file\(s\)$/);
    expect(await read(at('v'), 'w')).toEqual([0.5, -0.5]);
    await run(['apply', '--target', at('target'), '--vector', at('v'), '--out', at('a1')]);
    expect(await read(at('a1'), 'w')).toEqual([0.5, -0.5]);
    const json = JSON.parse(await run(['apply', '--target', at('target'), '--vector', at('v'), '--alpha', '0.5', '--out', at('a05'), '--json']));
    expect(await read(at('a05'), 'w')).toEqual([0.25, -0.25]);
    expect(json).toMatchObject({ tensorsWritten: 1, computed: 1, skippedByMask: 0, bytesWritten: 8 });
    await run(['apply', '--target', at('target'), '--vector', at('v'), '--alpha', '-1', '--out', at('minus')]);
    expect(await read(at('minus'), 'w')).toEqual([-0.5, 0.5]); // the paper's ablation: subtract the vector
    await run(['apply', '--target', at('target'), '--vector', at('v'), '--exclude', '^w$', '--out', at('masked')]);
    expect(await read(at('masked'), 'w')).toEqual([0, 0]);
  });

  it('rejects bad arguments as usage errors and bad inputs with the file named', async () => {
    await expect(vector.run([])).rejects.toThrow(UsageError);
    await expect(vector.run(['extract', '--base', 'a', '--out', 'o'])).rejects.toThrow(/--tuned is required/);
    await expect(vector.run(['apply', '--target', 'a', '--vector', 'v', '--out', 'o', '--alpha', 'x'])).rejects.toThrow(/--alpha must be a number/);
    await expect(vector.run(['apply', '--target', 'a', '--vector', 'v', '--out', 'o', '--include', '('])).rejects.toThrow(/--include: invalid regular expression/);
    await expect(vector.run(['extract', '--base', 'a', '--tuned', 'b', '--out', 'o', '--dtype', 'I8'])).rejects.toThrow(/--dtype must be one of/);
    await expect(vector.run(['extract', '--base', at('nope'), '--tuned', at('nope'), '--out', at('o')])).rejects.toThrow(/nope\/config\.json: file not found/);
    expect(existsSync(at('o'))).toBe(false);
  });

  it('on the GPT-2 fixture: apply(base, tuned − base) loads in CausalLM and gives the tuned logits', async () => {
    // tuned = the fixture with a small change to the (tied) embedding and the final norm.
    const reader = await CheckpointReader.open(GPT2);
    const tensors = new Map<string, RawTensor>();
    try {
      for (const name of reader.names()) {
        const t = await reader.read(name);
        const values = rawToFloat32(t);
        if (name === 'transformer.wte.weight') values.forEach((v, i) => (values[i] = v + 0.02 * Math.sin(i)));
        if (name === 'transformer.ln_f.bias') values.forEach((v, i) => (values[i] = v + 0.05));
        tensors.set(name, float32ToRaw(values, t.shape, t.dtype));
      }
    } finally {
      await reader.close();
    }
    await mkdir(at('tuned'));
    for (const f of await readdir(GPT2)) if (f.endsWith('.json')) await copyFile(path.join(GPT2, f), path.join(at('tuned'), f));
    await writeCheckpoint(at('tuned'), tensors);

    await run(['extract', '--base', GPT2, '--tuned', at('tuned'), '--out', at('v')]);
    await run(['apply', '--target', GPT2, '--vector', at('v'), '--out', at('merged')]);
    await run(['apply', '--target', GPT2, '--vector', at('v'), '--include', 'ln_f', '--out', at('ln-only')]);
    expect(await readdir(at('merged'))).toEqual(expect.arrayContaining(['config.json', 'prefstream_tokenizer.json', 'tokenizer_config.json', 'model.safetensors']));

    const ids = tf.tensor2d([[72, 101, 108, 108, 111, 256]], [1, 6], 'int32');
    const logitsOf = async (dir: string) => {
      const model = await CausalLM.load(dir);
      try {
        const logits = model.forward(ids);
        const values = (await logits.data()) as Float32Array;
        logits.dispose();
        return values;
      } finally {
        model.dispose();
      }
    };
    const [base, tuned, merged, lnOnly] = [await logitsOf(GPT2), await logitsOf(at('tuned')), await logitsOf(at('merged')), await logitsOf(at('ln-only'))];
    ids.dispose();
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(maxDiff(merged, tuned)).toBeLessThan(1e-5); // θ_base + (θ_tuned − θ_base) = θ_tuned up to float32 rounding
    expect(maxDiff(merged, base)).toBeGreaterThan(1e-2);
    expect(maxDiff(lnOnly, base)).toBeGreaterThan(1e-3); // the masked merge changes the logits, but not like the full one
    expect(maxDiff(lnOnly, tuned)).toBeGreaterThan(1e-3);
  });
});
