import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, initBackend, tf, type Tensor, type Tensor2D } from '@prefstream/core';
import { classWeightsFromRewards, weightedNll } from './weighted-nll.js';
import { readMetrics } from './read-metrics.js';
import { expectClose, expectNoLeak } from './test-support/tensors.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const nll = (logps: number[][], weights: number[], perSequence = false, segments?: Int32Array) =>
  tf.tidy(() => weightedNll(tf.tensor2d(logps), weights, { perSequence }, segments).loss.dataSync()[0]!);

describe('weightedNll (T13)', () => {
  // token NLLs (0.5, 1.0) of a weight-1 message and 2.0 of a weight-0.1 message, with a
  // weight-0 role-prefix token between them: token-level (0.5 + 1 + 0.2) / 2.1 = 1.7/2.1;
  // per-sequence weights (0.5, 0.5, 0.1): (0.25 + 0.5 + 0.2) / 1.1 = 0.95/1.1
  const oneRow = [[-0.5, -1.0, -7.0, -2.0]];
  const oneRowWeights = [1, 1, 0, 0.1];
  it('token-level: 1.7 / 2.1 = 0.8095238095', () => expectClose(nll(oneRow, oneRowWeights), 0.8095238095));
  it('per-sequence: 0.95 / 1.1 = 0.8636363636', () => expectClose(nll(oneRow, oneRowWeights, true), 0.8636363636));
  it('the same across rows of a padded batch', () => {
    // row 0: the weight-1 message; row 1: the weight-0.1 message then padding
    const logps = [[-0.5, -1.0], [-2.0, 0]];
    expectClose(nll(logps, [1, 1, 0.1, 0]), 0.8095238095);
    expectClose(nll(logps, [1, 1, 0.1, 0], true), 0.8636363636);
  });
  it('explicit segment ids split equal-weight neighbours', () => {
    // two weight-1 messages of 1 and 2 tokens: per-token weights (1, 0.5, 0.5)
    // loss = (1·1 + 0.5·2 + 0.5·3) / 2 = 1.75; as one run it would be (1 + 2 + 3)/3 = 2
    expectClose(nll([[-1, -2, -3]], [1, 1, 1], true, Int32Array.from([0, 1, 1])), 1.75);
    expectClose(nll([[-1, -2, -3]], [1, 1, 1], true), 2);
  });
  it('gradient is −w_t / Σw per token', () => {
    const g = tf.tidy(() => Array.from(tf.grad((x: Tensor) => weightedNll(x as Tensor2D, oneRowWeights).loss)(tf.tensor2d(oneRow)).dataSync()));
    [-1 / 2.1, -1 / 2.1, 0, -0.1 / 2.1].forEach((e, i) => expectClose(g[i]!, e));
  });
  it('metrics: weighted tokens and weight sum; Σw = 0 gives 0', () => {
    const m = tf.tidy(() => readMetrics(weightedNll(tf.tensor2d(oneRow), oneRowWeights).metrics));
    expect(m['tokens/weighted']).toBe(3);
    expectClose(m['weight/sum']!, 2.1);
    expect(nll(oneRow, [0, 0, 0, 0])).toBe(0);
  });
  it('names the row and token of a bad weight, and a wrong weight count', () => {
    expect(() => nll([[-1, -2], [-3, -4]], [1, 1, 1, Number.NaN])).toThrow(DataError);
    expect(() => nll([[-1, -2], [-3, -4]], [1, 1, -1, 1])).toThrow(/row 1.*token 0/);
    expect(() => nll([[-1, -2]], [1])).toThrow(/1 weights for a \(1, 2\) batch/);
  });
  it('leaves no tensor behind', async () => {
    await expectNoLeak(() => tf.tidy(() => readMetrics(weightedNll(tf.tensor2d(oneRow), oneRowWeights, { perSequence: true }).metrics)));
  });
});

describe('classWeightsFromRewards', () => {
  it('exp((r − max r)/β): rewards (1, 0.1) at β = 0.9/ln 10 give weights (1, 0.1)', () => {
    const w = classWeightsFromRewards({ GPT4: 1, GPT3: 0.1 }, 0.9 / Math.LN10);
    expect(w.GPT4).toBe(1);
    expectClose(w.GPT3!, 0.1, 1e-12);
    expectClose(classWeightsFromRewards({ a: 1, b: 0.1 }, 0.39087).b!, 0.1, 1e-4);
  });
});
