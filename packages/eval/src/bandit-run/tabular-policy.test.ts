import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { packSequences } from '@prefstream/model';
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
});
