import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { CausalLM } from './causal-lm.js';
import { parseModelConfig } from './config/parse-model-config.js';
import { CheckpointReader } from './safetensors/checkpoint-reader.js';
import { writeSafetensors } from './safetensors/write-safetensors.js';

const tmp = () => mkdtemp(path.join(tmpdir(), 'causal-lm-'));

/** Every tensor of a checkpoint directory: name → [dtype, shape, bytes]. */
async function tensorsOf(dir: string): Promise<Map<string, [string, readonly number[], Buffer]>> {
  const r = await CheckpointReader.open(dir);
  try {
    const out = new Map<string, [string, readonly number[], Buffer]>();
    for (const name of r.names()) {
      const t = await r.read(name);
      out.set(name, [t.dtype, t.shape, Buffer.from(t.data)]);
    }
    return out;
  } finally {
    await r.close();
  }
}

const FIXTURE = path.resolve(fileURLToPath(import.meta.url), '../../../../../shared/fixtures/hf-gpt2-tiny');

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('CausalLM on the Hugging Face GPT-2 fixture', () => {
  it('loads config and weights, and reproduces reference logits', async () => {
    const model = await CausalLM.load(FIXTURE);
    try {
      expect(model.config).toMatchObject({ architecture: 'gpt2', vocabSize: 50257, hiddenSize: 2, numLayers: 1, numHeads: 1, tieWordEmbeddings: true, eosTokenId: 50256 });
      expect(model.generationConfig.eosTokenIds).toEqual([50256]);
      // Reference: an independent float64 NumPy transcription of transformers' GPT2LMHeadModel
      // (ln → c_attn → causal softmax → c_proj, gelu_new MLP, ln_f, tied head) on the same file,
      // input "Hello world," + <|endoftext|> = [15496, 995, 11, 50256].
      const logits = tf.tidy(() => model.forward(tf.tensor2d([[15496, 995, 11, 50256]], [1, 4], 'int32')));
      const v = (await logits.data()) as Float32Array;
      logits.dispose();
      const at = (t: number, i: number) => v[t * 50257 + i]!;
      const ref0 = [-0.0132216, -0.00643944, -0.01758741, 0.00903006, -0.01054564];
      const ref3 = [0.01567515, 0.00763442, 0.02085112, -0.01070577, 0.0125026];
      ref0.forEach((r, i) => expect(at(0, i)).toBeCloseTo(r, 6));
      ref3.forEach((r, i) => expect(at(3, i)).toBeCloseTo(r, 6));
    } finally {
      model.dispose();
    }
  });

  it('hiddenStates is (B, T, D) and forward leaks no tensors', async () => {
    const model = await CausalLM.load(FIXTURE);
    try {
      const before = tf.memory().numTensors;
      const shape = tf.tidy(() => {
        const ids = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
        const mask = tf.tensor2d([[1, 1, 1], [0, 1, 1]], [2, 3], 'int32');
        model.forward(ids, mask);
        return model.hiddenStates(ids, mask).shape;
      });
      expect(shape).toEqual([2, 3, 2]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });

  it('load, random and dispose leave no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const loaded = await CausalLM.load(FIXTURE);
    expect(tf.memory().numTensors).toBe(before + loaded.trainableVariables().size);
    loaded.dispose();
    const random = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 4 }), 1);
    random.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects ids outside the vocabulary and sequences past n_positions, naming them', () => {
    const model = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 4 }), 1);
    try {
      expect(() => tf.tidy(() => model.forward(tf.tensor2d([[1, 16]], [1, 2], 'int32')))).toThrow(/token id 16 .*vocabulary \[0, 16\)/);
      expect(() => tf.tidy(() => model.forward(tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], 'int32')))).toThrow(/exceeds gpt2's 4 learned positions/);
    } finally {
      model.dispose();
    }
  });
});

describe('CausalLM.save / load', () => {
  it('fixture → save → files identical tensor by tensor (names, shapes, dtypes, bytes), no lm_head', async () => {
    const model = await CausalLM.load(FIXTURE);
    const dir = await tmp();
    try {
      await model.save(dir);
      const [orig, saved] = await Promise.all([tensorsOf(FIXTURE), tensorsOf(dir)]);
      expect([...saved.keys()].sort()).toEqual([...orig.keys()].sort());
      expect(saved.has('lm_head.weight')).toBe(false);
      for (const [name, [dtype, shape, bytes]] of orig) {
        const [d, s, b] = saved.get(name)!;
        expect([d, s]).toEqual([dtype, shape]);
        expect(b.equals(bytes)).toBe(true);
      }
      const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
      expect(config).toMatchObject({ model_type: 'gpt2', n_embd: 2, architectures: ['GPT2LMHeadModel'], torch_dtype: 'float32', activation_function: 'gelu_new' });
      const reloaded = await CausalLM.load(dir);
      expect(await reloaded.fingerprint()).toBe(await model.fingerprint());
      reloaded.dispose();
    } finally {
      model.dispose();
    }
  });

  it('llama: saves nn.Linear as [out, in]; shards and BF16 round trip; dtype follows the source', async () => {
    const json = { model_type: 'llama', vocab_size: 24, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1 };
    const model = CausalLM.random(parseModelConfig(json), 11);
    const dir = await tmp();
    try {
      await model.save(dir, { dtype: 'BF16', maxShardBytes: 400 });
      const r = await CheckpointReader.open(dir);
      expect((await r.info('model.layers.0.self_attn.k_proj.weight')).shape).toEqual([4, 8]); // [Hkv·hd, D]
      expect((await r.info('lm_head.weight')).dtype).toBe('BF16');
      await r.close();
      const reloaded = await CausalLM.load(dir);
      const again = await tmp();
      await reloaded.save(again, { maxShardBytes: 400 }); // BF16 in → BF16 out by default
      const [a, b] = await Promise.all([tensorsOf(dir), tensorsOf(again)]);
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [name, [d, s, bytes]] of a) expect([b.get(name)![0], b.get(name)![1], b.get(name)![2].equals(bytes)]).toEqual([d, s, true]);
      const w = reloaded.trainableVariables().get('model.layers.1.mlp.down_proj.weight')!;
      expect(w.shape).toEqual([12, 8]); // held [in, out]
      reloaded.dispose();
    } finally {
      model.dispose();
    }
  });

  it('names the file and tensor on a missing tensor, a wrong shape or an unexpected tensor', async () => {
    const model = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 4, n_layer: 1, n_head: 1, n_positions: 8 }), 2);
    const dir = await tmp();
    await model.save(dir);
    model.dispose();
    const configPath = path.join(dir, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    await writeFile(configPath, JSON.stringify({ ...config, n_layer: 2 }));
    await expect(CausalLM.load(dir)).rejects.toThrow(/field "transformer\.h\.1\.ln_1\.weight": tensor missing/);
    await writeFile(configPath, JSON.stringify({ ...config, n_positions: 9 }));
    await expect(CausalLM.load(dir)).rejects.toThrow(/model\.safetensors, field "transformer\.wpe\.weight": shape \[8, 4\] does not match config\.json, which implies \[9, 4\]/);
    await writeFile(configPath, JSON.stringify({ ...config, tie_word_embeddings: false }));
    await expect(CausalLM.load(dir)).rejects.toThrow(/field "lm_head\.weight": tensor missing/);
    await writeFile(configPath, JSON.stringify({ ...config, n_layer: 0 }));
    await expect(CausalLM.load(dir)).rejects.toThrow(/config\.json.*n_layer/s);
    await writeFile(configPath, '{ nope');
    await expect(CausalLM.load(dir)).rejects.toThrow(/config\.json: not valid JSON/);
  });

  it('reads GPT-2 files without the transformer. prefix, skips mask buffers, refuses unknown tensors unless told', async () => {
    const orig = await tmp();
    const model = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 4, n_layer: 1, n_head: 1, n_positions: 8 }), 3);
    await model.save(orig);
    const r = await CheckpointReader.open(orig);
    const renamed = new Map();
    for (const name of r.names()) renamed.set(name.replace(/^transformer\./, ''), await r.read(name));
    await r.close();
    renamed.set('h.0.attn.bias', { dtype: 'F32', shape: [1], data: new Uint8Array(4) }); // old causal-mask buffer
    const dir = await tmp();
    await writeFile(path.join(dir, 'config.json'), await readFile(path.join(orig, 'config.json')));
    await writeSafetensors(path.join(dir, 'model.safetensors'), renamed);
    const loaded = await CausalLM.load(dir);
    expect(await loaded.fingerprint()).toBe(await model.fingerprint());
    loaded.dispose();
    renamed.set('score.weight', { dtype: 'F32', shape: [1], data: new Uint8Array(4) }); // e.g. a reward head
    await writeSafetensors(path.join(dir, 'model.safetensors'), renamed);
    await expect(CausalLM.load(dir)).rejects.toThrow(/does not use: score\.weight .*ignoreUnexpected/);
    const lenient = await CausalLM.load(dir, { ignoreUnexpected: true });
    expect(await lenient.fingerprint()).toBe(await model.fingerprint());
    lenient.dispose();
    model.dispose();
  });
});
