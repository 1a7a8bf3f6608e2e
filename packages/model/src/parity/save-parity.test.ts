/**
 * A checkpoint written by `CausalLM.save` is the same Hugging Face checkpoint: same tensor names,
 * shapes and dtypes in model.safetensors (BF16 stays BF16, tied heads stay absent), and reloading
 * it gives the reference logits again.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend, tf } from '@prefstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalLM } from '../causal-lm.js';
import { FIXTURES_DIR, HF_GPT2_TINY_DIR, RANDOM_FIXTURES, maxLogitDiff, readExpectations } from './expected-logits.js';

/** name → "DTYPE[shape]" from a safetensors header (8-byte little-endian length + JSON). */
async function headerSummary(file: string): Promise<Record<string, string>> {
  const handle = await open(file, 'r');
  try {
    const len = Buffer.alloc(8);
    await handle.read(len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE(0));
    const json = Buffer.alloc(n);
    await handle.read(json, 0, n, 8);
    const header = JSON.parse(json.toString('utf8')) as Record<string, { dtype: string; shape: number[] }>;
    delete header.__metadata__;
    return Object.fromEntries(Object.entries(header).map(([name, t]) => [name, `${t.dtype}[${t.shape.join(',')}]`]));
  } finally {
    await handle.close();
  }
}

let tmp: string;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'save-parity-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('CausalLM.save keeps the Hugging Face checkpoint', () => {
  it.each(RANDOM_FIXTURES)('%s: same tensor names, shapes and dtypes; reloaded logits match the reference', async (name) => {
    const source = path.join(FIXTURES_DIR, name);
    const saved = path.join(tmp, name);
    const model = await CausalLM.load(source);
    try {
      await model.save(saved);
    } finally {
      model.dispose();
    }
    const [want, got] = await Promise.all([headerSummary(path.join(source, 'model.safetensors')), headerSummary(path.join(saved, 'model.safetensors'))]);
    expect(got).toEqual(want);
    if (name === 'llama-bf16') expect(new Set(Object.values(got).map((s) => s.split('[')[0]))).toEqual(new Set(['BF16']));

    const reloaded = await CausalLM.load(saved);
    try {
      const batch = readExpectations(name).batches[1]!; // left-padded
      const B = batch.input_ids.length;
      const T = batch.input_ids[0]!.length;
      const logits = tf.tidy(() => reloaded.forward(tf.tensor2d(batch.input_ids.flat(), [B, T], 'int32'), tf.tensor2d(batch.attention_mask.flat(), [B, T], 'int32')));
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      expect(maxLogitDiff(values, reloaded.config.vocabSize, batch)).toBeLessThanOrEqual(1e-4);
    } finally {
      reloaded.dispose();
    }
  });

  it('hf-gpt2-tiny: the transformers-written header survives a save (no lm_head.weight, Conv1D [in, out])', async () => {
    const saved = path.join(tmp, 'hf-gpt2-tiny');
    const model = await CausalLM.load(HF_GPT2_TINY_DIR);
    try {
      await model.save(saved);
    } finally {
      model.dispose();
    }
    const got = await headerSummary(path.join(saved, 'model.safetensors'));
    expect(got).toEqual(await headerSummary(path.join(HF_GPT2_TINY_DIR, 'model.safetensors')));
    expect(got['transformer.h.0.attn.c_attn.weight']).toBe('F32[2,6]');
    expect(got['lm_head.weight']).toBeUndefined();
  });
});
