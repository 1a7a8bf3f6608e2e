import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Variable } from '@prefstream/core';
import { createOptimizer } from './optimizer.js';
import type { OptimizerConfigInput } from './optimizer-config.js';
import { optimizerState, restoreOptimizerState } from './optimizer-state.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const init = { w: [0.1, -0.2, 0.3], b: [0.5] };
const gradAt = (i: number) => ({ w: [Math.sin(i), Math.cos(i), 0.1 * i], b: [1 / (i + 1)] });

function vars(values: Record<string, number[]>): Map<string, Variable> {
  return new Map(Object.entries(values).map(([k, v]) => [k, tf.tidy(() => tf.variable(tf.tensor1d(v)))]));
}
function step(opt: ReturnType<typeof createOptimizer>, i: number): void {
  const g = Object.fromEntries(Object.entries(gradAt(i)).map(([k, v]) => [k, tf.tensor1d(v)]));
  opt.apply(g);
  tf.dispose(g);
}
const read = (m: Map<string, Variable>) => Object.fromEntries([...m].map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('optimizerState / restoreOptimizerState', () => {
  const configs: OptimizerConfigInput[] = [
    { name: 'adamw', learningRate: 0.05, weightDecay: 0.1, schedule: { kind: 'linear', warmupSteps: 2, totalSteps: 10 } },
    { name: 'sgd', learningRate: 0.05, momentum: 0.9 },
    { name: 'rmsprop', learningRate: 0.01 },
  ];
  for (const config of configs) {
    it(`${config.name}: save after 3 steps, restore into a fresh optimizer, continue = uninterrupted run`, () => {
      const before = tf.memory().numTensors;
      // Uninterrupted: 6 steps.
      const a = vars(init);
      const optA = createOptimizer(config, a);
      for (let i = 0; i < 6; i++) step(optA, i);

      // Interrupted: 3 steps, save weights + state, new process-like objects, restore, 3 more.
      const b = vars(init);
      const optB = createOptimizer(config, b);
      for (let i = 0; i < 3; i++) step(optB, i);
      const saved = optimizerState(optB);
      const weights = read(b);
      optB.dispose();
      b.forEach((v) => v.dispose());

      const c = vars(weights);
      const optC = createOptimizer(config, c);
      restoreOptimizerState(optC, saved);
      tf.dispose(saved);
      expect(optC.step).toBe(3);
      for (let i = 3; i < 6; i++) step(optC, i);

      expect(read(c)).toEqual(read(a));
      optA.dispose();
      optC.dispose();
      [...a.values(), ...c.values()].forEach((v) => v.dispose());
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('uses stable names and refuses a state that does not match', () => {
    const a = vars(init);
    const adam = createOptimizer({ name: 'adamw' }, a);
    const saved = optimizerState(adam);
    expect(Object.keys(saved).sort()).toEqual(['adam.m/b', 'adam.m/w', 'adam.v/b', 'adam.v/w', 'step']);
    const sgd = createOptimizer({ name: 'sgd', momentum: 0.5 }, a);
    expect(() => restoreOptimizerState(sgd, saved)).toThrow(/missing "trace\/w".*unknown "adam.m\/w"/);
    const { ['adam.v/b']: dropped, ...partial } = saved;
    expect(() => restoreOptimizerState(adam, partial)).toThrow(/missing "adam.v\/b"/);
    const wrong = { ...saved, 'adam.m/w': tf.zeros([2]) };
    expect(() => restoreOptimizerState(adam, wrong)).toThrow(/"adam.m\/w" has shape \[2\], expected \[3\]/);
    tf.dispose([saved, wrong['adam.m/w'], dropped]);
    adam.dispose();
    sgd.dispose();
    a.forEach((v) => v.dispose());
  });
});
