import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@prefstream/core';
import { CausalLM, parseModelConfig } from '@prefstream/model';
import { additionTask } from '@prefstream/eval';
import { noisyPrefersFirst, samplePreferencePairs } from './preference-pairs.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('demo preference pairs', () => {
  it.each([
    [0.5, 0.2],
    [1 / 3, 0.2],
    [-0.5, 0.2],
    [0, 0.2],
  ])('the noisy judge prefers the first with probability σ(%d / %d)', (gap, tau) => {
    const rng = new Rng(9);
    const n = 20_000;
    let first = 0;
    for (let i = 0; i < n; i++) if (noisyPrefersFirst(0.5 + gap / 2, 0.5 - gap / 2, tau, rng)) first++;
    const p = 1 / (1 + Math.exp(-gap / tau)); // 0.924, 0.841, 0.076, 0.5
    expect(Math.abs(first / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('labels every untied pair, counts ties and flips, and frees its tensors', async () => {
    const tokenizer = additionTask.tokenizer();
    const policy = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 21, n_embd: 16, n_layer: 1, n_head: 2, n_positions: 16 }), 1);
    const problems = additionTask.sampleProblems({ split: 'train', count: 40, seed: 2 });
    const before = tf.memory().numTensors;
    const set = await samplePreferencePairs(policy, tokenizer, problems, additionTask.goldReward, { labelTemperature: 0.2, maxNewTokens: 4, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
    expect(set.pairs.length + set.ties).toBe(40);
    expect(set.identical).toBeLessThanOrEqual(set.ties);
    let flipped = 0;
    for (const p of set.pairs) {
      expect(p.chosen_gold).toBe(additionTask.goldReward(p.prompt, p.chosen));
      expect(p.rejected_gold).toBe(additionTask.goldReward(p.prompt, p.rejected));
      expect(p.chosen_gold).not.toBe(p.rejected_gold);
      if (p.chosen_gold < p.rejected_gold) flipped++;
    }
    expect(set.flipped).toBe(flipped);
  });
});
