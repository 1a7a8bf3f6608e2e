import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { packSequences } from '@prefstream/model';
import { ArmTokenizer } from './arm-tokenizer.js';
import { TabularPolicy } from './tabular-policy.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('TabularPolicy', () => {
  it('reads the completion token as the arm, differentiably, and leaks nothing', () => {
    const baseline = tf.memory().numTensors;
    const policy = new TabularPolicy({ arms: 3, logits: [Math.log(0.2), Math.log(0.3), Math.log(0.5)] });
    const packed = packSequences([[0], [0, 0], [0]], [[2], [0], [1]], { padSide: 'right', padTokenId: 0 });
    const logps = tf.tidy(() => Array.from(policy.sequenceLogps(packed).logps.dataSync()));
    [0.5, 0.2, 0.3].forEach((p, i) => expect(logps[i]).toBeCloseTo(Math.log(p), 5));
    const grad = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(policy.sequenceLogps(packed).logps), [policy.logits]);
      return Array.from(grads[policy.logits.name]!.dataSync());
    });
    // ∂/∂θ Σ_rows log π(arm) = onehot counts − 3·π
    [1 - 0.6, 1 - 0.9, 1 - 1.5].forEach((g, i) => expect(grad[i]).toBeCloseTo(g, 5));
    expect(Array.from(policy.probabilities())).toEqual(expect.arrayContaining([expect.closeTo(0.5, 6)]));
    policy.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('rejects rows without exactly one arm', () => {
    const policy = new TabularPolicy({ arms: 2 });
    try {
      const two = packSequences([[0]], [[0, 1]], { padSide: 'right', padTokenId: 0 });
      expect(() => tf.tidy(() => policy.sequenceLogps(two).logps)).toThrow(/2 completion tokens/);
      const outside = packSequences([[0]], [[5]], { padSide: 'right', padTokenId: 0 });
      expect(() => tf.tidy(() => policy.sequenceLogps(outside).logps)).toThrow(/arm 5 is outside/);
    } finally {
      policy.dispose();
    }
  });

  it('keeps one table per context: a prompt with a context token reads its own table', () => {
    const baseline = tf.memory().numTensors;
    const tokenizer = new ArmTokenizer(2, ['expert', 'suboptimal']); // ids: a0 0, a1 1, expert 2, suboptimal 3, <bos> 4
    const logits = [0, 0, Math.log(0.9), Math.log(0.1), Math.log(0.2), Math.log(0.8)];
    const policy = new TabularPolicy({ arms: 2, contextTokens: [2, 3], logits });
    const prompts = ['', 'expert ', 'suboptimal '].map((p) => tokenizer.encode(p));
    expect(prompts).toEqual([[4], [4, 2], [4, 3]]);
    const packed = packSequences(prompts, [[1], [0], [1]], { padSide: 'right', padTokenId: 0 });
    const logps = tf.tidy(() => Array.from(policy.sequenceLogps(packed).logps.dataSync()));
    [0.5, 0.9, 0.8].forEach((p, i) => expect(logps[i]).toBeCloseTo(Math.log(p), 5));
    expect(policy.probabilities(2)[1]).toBeCloseTo(0.8, 6);
    policy.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('generate samples arms at the policy frequencies with their log-probs; greedy and top-k filter', async () => {
    const policy = new TabularPolicy({ arms: 3, logits: [Math.log(0.2), Math.log(0.3), Math.log(0.5)] });
    try {
      const baseline = tf.memory().numTensors;
      const n = 20_000;
      const samples = await policy.generate([[3]], { maxNewTokens: 1, n, seed: 5 });
      expect(tf.memory().numTensors).toBe(baseline);
      const counts = [0, 0, 0];
      for (const g of samples) counts[g.completionIds[0]!]!++;
      // 4 standard errors of a frequency near 0.3 at n = 20 000: 4·√(0.21/n) ≈ 0.013
      [0.2, 0.3, 0.5].forEach((p, i) => expect(Math.abs(counts[i]! / n - p)).toBeLessThan(0.013));
      expect(samples[0]).toMatchObject({ promptIndex: 0, sampleIndex: 0, finishReason: 'length' });
      expect(samples[0]!.completion).toBe(`a${samples[0]!.completionIds[0]}`);
      expect(samples[0]!.tokenLogps[0]).toBeCloseTo(Math.log([0.2, 0.3, 0.5][samples[0]!.completionIds[0]!]!), 5);
      const greedy = await policy.generate([[3], [3]], { maxNewTokens: 4, temperature: 0, n: 3 });
      expect(greedy.map((g) => [g.promptIndex, g.completionIds[0], g.tokenLogps[0]])).toEqual([0, 0, 0, 1, 1, 1].map((p) => [p, 2, 0]));
      const top2 = await policy.generate([[3]], { maxNewTokens: 1, topK: 2, n: 200, seed: 1 });
      expect(top2.every((g) => g.completionIds[0] !== 0)).toBe(true);
      expect(top2.find((g) => g.completionIds[0] === 2)!.tokenLogps[0]).toBeCloseTo(Math.log(0.5 / 0.8), 5);
    } finally {
      policy.dispose();
    }
  });

  it('save and load give bit-identical logits and the same fingerprint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tabular-'));
    const policy = new TabularPolicy({ arms: 3, contextTokens: [7], logits: [0.1, -1 / 3, 2.7182817, 1e-8, -5, 3] });
    const loaded = await policy.save(dir).then(() => TabularPolicy.load(dir));
    try {
      expect(Array.from(loaded.logitValues())).toEqual(Array.from(policy.logitValues()));
      expect(loaded.contextTokens).toEqual([7]);
      expect(await loaded.fingerprint()).toBe(await policy.fingerprint());
      expect(JSON.parse(await readFile(join(dir, 'tabular_policy.json'), 'utf8'))).toMatchObject({ format: 'prefstream-tabular-policy', arms: 3 });
    } finally {
      policy.dispose();
      loaded.dispose();
    }
    await expect(TabularPolicy.load(join(dir, 'missing'))).rejects.toThrow(/tabular_policy\.json.*cannot read/);
  });
});

describe('ArmTokenizer', () => {
  it('round-trips arm words and names an unknown word', () => {
    const t = new ArmTokenizer(3, ['expert']);
    expect(t.encode('a2', { addSpecialTokens: false })).toEqual([2]);
    expect(t.decode([4, 3, 1])).toBe('<bos> expert a1');
    expect(t.decode([4, 1], { skipSpecialTokens: true })).toBe('a1');
    expect(t.eosTokenId).toBeUndefined();
    expect(t.vocabSize).toBe(5);
    expect(() => t.encode('a3')).toThrow(/"a3" is not a word of this bandit \(arms a0 … a2, contexts expert\)/);
  });
});
