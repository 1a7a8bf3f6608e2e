import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { CausalLM } from '../causal-lm.js';
import { computeLogps } from '../compute-logps.js';
import { parseModelConfig } from '../config/parse-model-config.js';
import { packSequences } from '../pack-sequences.js';

const CONFIGS = {
  gpt2: { model_type: 'gpt2', vocab_size: 40, n_embd: 16, n_layer: 2, n_head: 2, n_positions: 32 },
  llama: { model_type: 'llama', vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, initializer_range: 0.2 },
};
const PROMPTS = [[1, 2, 3], [4], [5, 6, 7, 8, 9]];
const COMPLETIONS = [[10, 11], [12, 13, 14, 15], [16]];

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe.each(Object.entries(CONFIGS))('sequenceLogps (%s)', (_arch, json) => {
  it('equals Σ log-softmax(forward) at the completion tokens, by hand', async () => {
    const model = CausalLM.random(parseModelConfig(json), 1);
    try {
      const prompt = [1, 2, 3];
      const completion = [10, 11];
      const ids = [...prompt, ...completion];
      const logits = tf.tidy(() => tf.logSoftmax(model.forward(tf.tensor2d([ids], [1, 5], 'int32'))).arraySync()[0]!);
      // logits at t predict token t + 1: tokens 3 and 4 are scored by rows 2 and 3.
      const byHand = [logits[2]![10]!, logits[3]![11]!];
      const { logps, tokenLogps } = await computeLogps(model, packSequences([prompt], [completion], { padSide: 'right', padTokenId: 0 }));
      expect(tokenLogps[0]!.length).toBe(2);
      byHand.forEach((x, t) => expect(tokenLogps[0]![t]).toBeCloseTo(x, 5));
      expect(logps[0]).toBeCloseTo(byHand[0]! + byHand[1]!, 5);
    } finally {
      model.dispose();
    }
  });

  it('is the same batched or one by one, left or right padded', async () => {
    const model = CausalLM.random(parseModelConfig(json), 2);
    try {
      const right = await computeLogps(model, packSequences(PROMPTS, COMPLETIONS, { padSide: 'right', padTokenId: 0 }));
      const left = await computeLogps(model, packSequences(PROMPTS, COMPLETIONS, { padSide: 'left', padTokenId: 0 }));
      for (let b = 0; b < PROMPTS.length; b++) {
        const alone = await computeLogps(model, packSequences([PROMPTS[b]!], [COMPLETIONS[b]!], { padSide: 'right', padTokenId: 0 }));
        expect(right.logps[b]).toBeCloseTo(alone.logps[0]!, 4);
        expect(left.logps[b]).toBeCloseTo(alone.logps[0]!, 4);
        expect(left.tokenLogps[b]!.length).toBe(COMPLETIONS[b]!.length);
        Array.from(alone.tokenLogps[0]!).forEach((x, t) => expect(left.tokenLogps[b]![t]).toBeCloseTo(x, 4));
      }
    } finally {
      model.dispose();
    }
  });

  it('has a gradient for every weight, and leaks no tensors', () => {
    const model = CausalLM.random(parseModelConfig(json), 3);
    try {
      const batch = packSequences(PROMPTS, COMPLETIONS, { padSide: 'left', padTokenId: 0 });
      const vars = [...model.trainableVariables().values()];
      const before = tf.memory().numTensors;
      const norms = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.neg(tf.sum(model.sequenceLogps(batch).logps)) as tf.Scalar, vars);
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        return vars.map((v) => tf.norm(grads[v.name]!).dataSync()[0]!);
      });
      expect(norms.every((n) => Number.isFinite(n) && n > 0)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });
});

describe('sequenceLogps gradients', () => {
  // Central differences in float64 arithmetic on float32 weights: (f(w + ε) − f(w − ε)) / 2ε.
  it.each(Object.entries(CONFIGS))('(%s) match finite differences of the summed log-probs', (_arch, json) => {
    const model = CausalLM.random(parseModelConfig(json), 12);
    try {
      const batch = packSequences(PROMPTS, COMPLETIONS, { padSide: 'left', padTokenId: 0 });
      const vars = model.trainableVariables();
      const f = () => tf.tidy(() => tf.sum(model.sequenceLogps(batch).logps).dataSync()[0]!);
      const { value, grads: g } = tf.variableGrads(() => tf.sum(model.sequenceLogps(batch).logps) as tf.Scalar, [...vars.values()]);
      const grads = new Map([...vars].map(([name, v]) => [name, g[v.name]!.dataSync()]));
      tf.dispose([value, ...Object.values(g)]);
      const names = [...vars.keys()].filter((n) => /wte|embed_tokens|ln_1\.bias|ln_f\.weight|c_attn\.weight|c_proj\.bias|input_layernorm|k_proj\.weight|o_proj|down_proj|lm_head|model\.norm/.test(n));
      expect(names.length).toBeGreaterThanOrEqual(5);
      const eps = 1e-2;
      for (const name of names) {
        const v = vars.get(name)!;
        const base = v.dataSync().slice();
        for (const i of [0, Math.floor(base.length / 2), base.length - 1]) {
          const bumped = (d: number) => {
            const w = base.slice();
            w[i] = w[i]! + d;
            v.assign(tf.tensor(w, v.shape));
            return f();
          };
          const numeric = (bumped(eps) - bumped(-eps)) / (2 * eps);
          v.assign(tf.tensor(base, v.shape));
          expect(Math.abs(grads.get(name)![i]! - numeric)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
        }
      }
    } finally {
      model.dispose();
    }
  });
});

describe('sequenceLogps input checks', () => {
  it('rejects inconsistent batches and out-of-vocabulary ids', () => {
    const model = CausalLM.random(parseModelConfig(CONFIGS.gpt2), 4);
    try {
      const good = packSequences([[1]], [[2]], { padSide: 'right', padTokenId: 0 });
      expect(() => tf.tidy(() => model.sequenceLogps({ ...good, seqLen: 3 }).logps)).toThrow(/inputIds has 2 entries, expected batchSize·seqLen = 3/);
      expect(() => tf.tidy(() => model.sequenceLogps({ ...good, inputIds: Int32Array.from([1, 40]) }).logps)).toThrow(/inputIds\[1\] = 40 is outside the vocabulary/);
    } finally {
      model.dispose();
    }
  });
});
