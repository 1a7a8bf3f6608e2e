import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyVector } from './apply-vector.js';
import { extractVector } from './extract-vector.js';
import { readTinyCheckpoint, TINY_CONFIG, writeTinyCheckpoint } from './internal/tiny-checkpoint.js';

let tmp: string;
beforeEach(async () => void (tmp = await mkdtemp(path.join(tmpdir(), 'apply-vector-'))));
afterEach(async () => rm(tmp, { recursive: true, force: true }));
const at = (name: string) => path.join(tmp, name);
const values = async (dir: string) => Object.fromEntries(Object.entries(await readTinyCheckpoint(dir)).map(([k, t]) => [k, t.values]));

describe('applyVector', () => {
  it('T12: θ_target=(0,0) + α·((2,0.5) − (1.5,1)): α=1 ⇒ (0.5,−0.5), α=0.5 ⇒ (0.25,−0.25), α=−1 subtracts', async () => {
    await writeTinyCheckpoint(at('sft'), { w: { values: [1.5, 1] } });
    await writeTinyCheckpoint(at('grpo'), { w: { values: [2, 0.5] } });
    await writeTinyCheckpoint(at('target'), { w: { values: [0, 0] } }, { files: { 'tokenizer_config.json': '{"chat_template":"{{ x }}"}', 'generation_config.json': '{}' } });
    await extractVector({ base: at('sft'), tuned: at('grpo'), out: at('v') });
    for (const [alpha, expected] of [[1, [0.5, -0.5]], [0.5, [0.25, -0.25]], [-1, [-0.5, 0.5]]] as const) {
      const s = await applyVector({ target: at('target'), vector: at('v'), alpha, out: at(`out${alpha}`) });
      expect(await values(at(`out${alpha}`))).toEqual({ w: expected });
      expect(s).toMatchObject({ tensorsWritten: 1, computed: 1, skippedByMask: 0, bytesWritten: 8 });
    }
    // config, tokenizer config (with its chat template) and generation config come from the target.
    expect(await readdir(at('out1'))).toEqual(expect.arrayContaining(['config.json', 'tokenizer_config.json', 'generation_config.json', 'merge_manifest.json', 'model.safetensors']));
    expect(await readFile(at('out1/tokenizer_config.json'), 'utf8')).toBe('{"chat_template":"{{ x }}"}');
    expect(JSON.parse(await readFile(at('out0.5/merge_manifest.json'), 'utf8'))).toMatchObject({ kind: 'apply_vector', alpha: 0.5, result: { computed: 1 } });
  });

  it('include / exclude masks: m = 0 copies the target tensor bit for bit', async () => {
    const t = { 'layers.0.attn.q': { values: [1, 2] }, 'layers.0.mlp.up': { values: [3, 4] }, 'norm.weight': { values: [5, 6] } };
    const v = { 'layers.0.attn.q': { values: [1, 1] }, 'layers.0.mlp.up': { values: [1, 1] }, 'norm.weight': { values: [1, 1] } };
    await writeTinyCheckpoint(at('t'), t);
    await writeTinyCheckpoint(at('v'), v);
    const s = await applyVector({ target: at('t'), vector: at('v'), out: at('o1'), include: /^layers\./, exclude: /mlp/ });
    expect(await values(at('o1'))).toEqual({ 'layers.0.attn.q': [2, 3], 'layers.0.mlp.up': [3, 4], 'norm.weight': [5, 6] });
    expect(s).toMatchObject({ computed: 1, skippedByMask: 2, tensorsWritten: 3 });
    // A masked-out tensor need not exist in the vector at all.
    await writeTinyCheckpoint(at('v-attn'), { 'layers.0.attn.q': { values: [1, 1] } });
    await applyVector({ target: at('t'), vector: at('v-attn'), out: at('o2'), include: /attn/g });
    expect(await values(at('o2'))).toEqual({ 'layers.0.attn.q': [2, 3], 'layers.0.mlp.up': [3, 4], 'norm.weight': [5, 6] });
    await expect(applyVector({ target: at('t'), vector: at('v-attn'), out: at('o3') })).rejects.toThrow(/v-attn, field "layers.0.mlp.up": missing tensor/);
  });

  it('tied embeddings: a stored lm_head tied to the embedding takes the delta once, through the embedding', async () => {
    const config = { ...TINY_CONFIG, tie_word_embeddings: true };
    const embed = { values: [1, 2, 3, 4, 5, 6, 7, 8], shape: [4, 2] };
    // The target stores the head as a copy of the embedding; the vector only the embedding.
    await writeTinyCheckpoint(at('t'), { 'model.embed_tokens.weight': embed, 'lm_head.weight': embed }, { config });
    await writeTinyCheckpoint(at('v'), { 'model.embed_tokens.weight': { values: Array(8).fill(0.5), shape: [4, 2] } }, { config });
    const s = await applyVector({ target: at('t'), vector: at('v'), out: at('o') });
    const once = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5];
    expect(await values(at('o'))).toEqual({ 'model.embed_tokens.weight': once, 'lm_head.weight': once });
    expect(s.tied).toEqual({ 'lm_head.weight': 'model.embed_tokens.weight' });
    // A vector that also stores the head (its own copy) still changes the parameter once.
    await writeTinyCheckpoint(at('v2'), { 'model.embed_tokens.weight': { values: Array(8).fill(0.5), shape: [4, 2] }, 'lm_head.weight': { values: Array(8).fill(0.5), shape: [4, 2] } }, { config });
    await writeTinyCheckpoint(at('t-embed-only'), { 'model.embed_tokens.weight': embed }, { config });
    await applyVector({ target: at('t-embed-only'), vector: at('v2'), out: at('o2') });
    expect(await values(at('o2'))).toEqual({ 'model.embed_tokens.weight': once });
    // Untied: the head is its own parameter and needs its own delta.
    await writeTinyCheckpoint(at('t-untied'), { 'model.embed_tokens.weight': embed, 'lm_head.weight': embed });
    await expect(applyVector({ target: at('t-untied'), vector: at('v'), out: at('o3') })).rejects.toThrow(/field "tie_word_embeddings": different architecture/);
    await writeTinyCheckpoint(at('v-untied'), { 'model.embed_tokens.weight': { values: Array(8).fill(0.5), shape: [4, 2] } });
    await expect(applyVector({ target: at('t-untied'), vector: at('v-untied'), out: at('o3') })).rejects.toThrow(/v-untied, field "lm_head.weight": missing tensor/);
  });

  it('tied GPT-2 names: transformer.wte.weight and a stored lm_head.weight change once, and stay equal', async () => {
    const config = { model_type: 'gpt2', vocab_size: 2, n_embd: 2, n_layer: 1, n_head: 1, n_positions: 4 }; // tie_word_embeddings defaults to true
    const wte = { values: [1, 2, 3, 4], shape: [2, 2] };
    await writeTinyCheckpoint(at('t'), { 'transformer.wte.weight': wte, 'lm_head.weight': wte }, { config });
    await writeTinyCheckpoint(at('v'), { 'transformer.wte.weight': { values: [1, 1, 1, 1], shape: [2, 2] }, 'lm_head.weight': { values: [1, 1, 1, 1], shape: [2, 2] } }, { config });
    // Masked by the embedding's name: including only lm_head leaves the tied parameter alone.
    await applyVector({ target: at('t'), vector: at('v'), alpha: 0.5, out: at('o') });
    await applyVector({ target: at('t'), vector: at('v'), alpha: 0.5, include: /lm_head/, out: at('o-head') });
    expect(await values(at('o'))).toEqual({ 'transformer.wte.weight': [1.5, 2.5, 3.5, 4.5], 'lm_head.weight': [1.5, 2.5, 3.5, 4.5] });
    expect(await values(at('o-head'))).toEqual({ 'transformer.wte.weight': [1, 2, 3, 4], 'lm_head.weight': [1, 2, 3, 4] });
  });

  it('F16 / BF16 round trip: base + (tuned − base) gives tuned back, stored in the target dtype; α = 0 is bit-exact', async () => {
    for (const dtype of ['F16', 'BF16'] as const) {
      await writeTinyCheckpoint(at(`b${dtype}`), { w: { values: [0.25, -1.5, 3, 100], dtype } });
      await writeTinyCheckpoint(at(`t${dtype}`), { w: { values: [0.5, -1, 2, 96], dtype } });
      await extractVector({ base: at(`b${dtype}`), tuned: at(`t${dtype}`), out: at(`v${dtype}`) });
      await applyVector({ target: at(`b${dtype}`), vector: at(`v${dtype}`), out: at(`o${dtype}`) });
      expect((await readTinyCheckpoint(at(`o${dtype}`))).w).toEqual({ dtype, shape: [4], values: [0.5, -1, 2, 96] });
      await applyVector({ target: at(`t${dtype}`), vector: at(`v${dtype}`), alpha: 0, out: at(`z${dtype}`) });
      const [a, b] = await Promise.all([readFile(at(`t${dtype}/model.safetensors`)), readFile(at(`z${dtype}/model.safetensors`))]);
      expect(b.equals(a)).toBe(true);
    }
  });

  it('reads and writes shards (with an index) and keeps integer buffers of the target', async () => {
    const big = { a: { values: [1, 2, 3, 4] }, b: { values: [5, 6, 7, 8] }, c: { values: [9, 10, 11, 12] } };
    await writeTinyCheckpoint(at('t'), { ...big, ids: { values: [3, 4], dtype: 'I64' } }, { maxShardBytes: 20 });
    await writeTinyCheckpoint(at('v'), { a: { values: [1, 1, 1, 1] }, b: { values: [1, 1, 1, 1] }, c: { values: [1, 1, 1, 1] } }, { maxShardBytes: 40 });
    const s = await applyVector({ target: at('t'), vector: at('v'), alpha: 2, out: at('o'), maxShardBytes: 20 });
    expect(s.files).toEqual(['model-00001-of-00004.safetensors', 'model-00002-of-00004.safetensors', 'model-00003-of-00004.safetensors', 'model-00004-of-00004.safetensors', 'model.safetensors.index.json']);
    expect(await readTinyCheckpoint(at('o'))).toEqual({
      a: { dtype: 'F32', shape: [4], values: [3, 4, 5, 6] },
      b: { dtype: 'F32', shape: [4], values: [7, 8, 9, 10] },
      c: { dtype: 'F32', shape: [4], values: [11, 12, 13, 14] },
      ids: { dtype: 'I64', shape: [2], values: [3, 4] },
    });
    expect(s).toMatchObject({ computed: 3, nonFloat: 1, bytesWritten: 3 * 16 + 16 });
  });

  it('refuses a target whose tokenizer differs from the one the vector was extracted from', async () => {
    const tok = (word: string) => ({ files: { 'tokenizer.json': JSON.stringify({ model: { vocab: { [word]: 0 } } }) } });
    await writeTinyCheckpoint(at('b'), { w: { values: [1] } }, tok('a'));
    await writeTinyCheckpoint(at('t'), { w: { values: [2] } }, tok('a'));
    await writeTinyCheckpoint(at('other'), { w: { values: [0] } }, tok('b'));
    await extractVector({ base: at('b'), tuned: at('t'), out: at('v') });
    await expect(applyVector({ target: at('other'), vector: at('v'), out: at('o') })).rejects.toThrow(/other: different tokenizer vocabulary than the model vector_manifest\.json says/);
    expect(existsSync(at('o'))).toBe(false);
    await expect(applyVector({ target: at('b'), vector: at('v'), out: at('o'), alpha: Number.NaN })).rejects.toThrow(/alpha must be a finite number/);
  });

  it('on the BF16 Llama fixture: θ + (θ − θ) is θ again, byte for byte, in every tensor', async () => {
    const fixture = path.resolve(import.meta.dirname, '../../fixtures/llama-bf16');
    await extractVector({ base: fixture, tuned: fixture, out: at('zero') });
    expect(Object.values(await readTinyCheckpoint(at('zero'))).every((t) => t.dtype === 'BF16' && t.values.every((v) => v === 0))).toBe(true);
    const s = await applyVector({ target: fixture, vector: at('zero'), out: at('same') });
    expect(s.computed).toBeGreaterThan(0);
    const [a, b] = await Promise.all([readFile(path.join(fixture, 'model.safetensors')), readFile(at('same/model.safetensors'))]);
    expect(b.equals(a)).toBe(true);
  });
});
