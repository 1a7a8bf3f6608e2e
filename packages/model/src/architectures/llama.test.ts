import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { CausalLM } from '../causal-lm.js';
import { parseModelConfig } from '../config/parse-model-config.js';

const LLAMA = {
  model_type: 'llama', vocab_size: 32, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4,
  num_key_value_heads: 2, rope_theta: 500, max_position_embeddings: 64, tie_word_embeddings: false, initializer_range: 0.5,
};
const QWEN2 = { ...LLAMA, model_type: 'qwen2', num_key_value_heads: 1, rope_theta: 10000, tie_word_embeddings: true };

/** A random model whose biases and norm weights are moved off 0 / 1 deterministically. */
function perturbedModel(json: Record<string, unknown>, seed: number): CausalLM {
  const model = CausalLM.random(parseModelConfig(json), seed);
  let k = 0;
  for (const [name, v] of model.trainableVariables()) {
    k++;
    if (!name.endsWith('.bias') && !name.includes('norm')) continue;
    const base = v.dataSync();
    v.assign(tf.tensor(Float32Array.from(base, (x, i) => x + 0.3 * Math.sin(1.7 * i + k)), v.shape));
  }
  return model;
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('llama-family decoder', () => {
  // Reference: a float64 NumPy transcription of transformers' LlamaForCausalLM / Qwen2ForCausalLM
  // (RMSNorm, rotate-half RoPE with rope_theta, repeat_kv GQA, SwiGLU, q/k/v bias for Qwen2) run on
  // the checkpoint these models save; logits of the last of tokens [3, 7, 1, 30, 12, 5], ids 0..5.
  it.each([
    ['llama, GQA 4:2, untied head, θ = 500', LLAMA, [1.008359, 3.932442, 0.646624, 1.240665, 3.748795, 1.930542]],
    ['qwen2, MQA 4:1, q/k/v bias, tied head', QWEN2, [-0.433195, 4.224273, 0.208535, 2.806688, 2.861842, -1.194211]],
  ])('%s matches the reference logits', (_name, json, expected) => {
    const model = perturbedModel(json, 7);
    try {
      const logits = tf.tidy(() => model.forward(tf.tensor2d([[3, 7, 1, 30, 12, 5]], [1, 6], 'int32')).dataSync());
      expected.forEach((e, i) => expect(logits[5 * 32 + i]).toBeCloseTo(e, 5));
    } finally {
      model.dispose();
    }
  });

  it('left padding, right padding and no padding give the same logits on real tokens', () => {
    const model = perturbedModel(LLAMA, 3);
    try {
      const [alone, left, right] = tf.tidy(() => [
        model.forward(tf.tensor2d([[4, 9, 2]], [1, 3], 'int32')).arraySync()[0]!,
        model.forward(tf.tensor2d([[0, 0, 4, 9, 2], [5, 6, 7, 8, 9]], [2, 5], 'int32'), tf.tensor2d([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]], [2, 5], 'int32')).arraySync()[0]!,
        model.forward(tf.tensor2d([[4, 9, 2, 0, 0]], [1, 5], 'int32'), tf.tensor2d([[1, 1, 1, 0, 0]], [1, 5], 'int32')).arraySync()[0]!,
      ]);
      for (let t = 0; t < 3; t++) {
        for (let v = 0; v < 32; v++) {
          expect(left[t + 2]![v]).toBeCloseTo(alone[t]![v]!, 5);
          expect(right[t]![v]).toBeCloseTo(alone[t]![v]!, 5);
        }
      }
    } finally {
      model.dispose();
    }
  });

  it('parses mistral as llama with its sliding window, which masks keys further back', () => {
    const config = parseModelConfig({ ...LLAMA, model_type: 'mistral', sliding_window: 2 });
    expect([config.architecture, config.slidingWindow, config.modelType]).toEqual(['llama', 2, 'mistral']);
    const windowed = CausalLM.random(config, 5);
    const full = CausalLM.random(parseModelConfig({ ...LLAMA, model_type: 'mistral', sliding_window: null }), 5);
    try {
      const [a, b] = tf.tidy(() => [windowed, full].map((m) => m.forward(tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32')).arraySync()[0]!));
      expect(a![1]).toEqual(b![1]); // position 1 sees keys 0, 1 either way
      expect(a![3]![0]).not.toBeCloseTo(b![3]![0]!, 6); // position 3 no longer sees keys 0, 1
    } finally {
      windowed.dispose();
      full.dispose();
    }
  });

  it('refuses configs it cannot compute, naming the field', () => {
    expect(() => parseModelConfig({ ...LLAMA, rope_scaling: { rope_type: 'llama3', factor: 8 } }, 'x/config.json')).toThrow(/x\/config\.json: rope_scaling .* is not supported/);
    expect(() => parseModelConfig({ ...LLAMA, num_key_value_heads: 3 })).toThrow(/not a multiple of num_key_value_heads 3/);
    expect(() => parseModelConfig({ ...LLAMA, hidden_size: 'big' })).toThrow(/hidden_size/);
    expect(() => parseModelConfig({ model_type: 'bert' })).toThrow(/model_type "bert" is not supported; supported: gpt2, llama, mistral, qwen2/);
  });
});
