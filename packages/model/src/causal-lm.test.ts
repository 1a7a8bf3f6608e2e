import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { CausalLM } from './causal-lm.js';
import { parseModelConfig } from './config/parse-model-config.js';

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
