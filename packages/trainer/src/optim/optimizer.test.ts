import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Variable } from '@prefstream/core';
import { chain } from './chain.js';
import { createOptimizer } from './optimizer.js';
import { OptimizerConfig, type OptimizerName } from './optimizer-config.js';
import { scaleByAdam } from './scale-by-adam.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

function params(): Map<string, Variable> {
  return new Map<string, Variable>([
    ['w', tf.tidy(() => tf.variable(tf.tensor2d([[0.1, -0.2], [0.3, 0.4]])))],
    ['b', tf.tidy(() => tf.variable(tf.tensor1d([0.5, -0.5])))],
  ]);
}

describe('createOptimizer', () => {
  const names: OptimizerName[] = ['adam', 'adamw', 'sgd', 'rmsprop'];
  for (const name of names) {
    it(`${name}: no tensor leaks over 50 steps, and dispose frees the state`, () => {
      const vars = params();
      const before = tf.memory().numTensors;
      const opt = createOptimizer({ name, learningRate: 0.01, schedule: { kind: 'cosine', warmupSteps: 5, totalSteps: 50 } }, vars);
      const afterInit = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) {
        const grads = tf.tidy(() => ({ w: tf.fill([2, 2], Math.sin(i)), b: tf.fill([2], Math.cos(i)) }));
        opt.apply(grads);
        tf.dispose(grads);
        expect(tf.memory().numTensors).toBe(afterInit);
      }
      expect(opt.step).toBe(50);
      opt.dispose();
      expect(tf.memory().numTensors).toBe(before);
      vars.forEach((v) => v.dispose());
    });
  }

  it('names the variable when gradients do not match, and leaves variables without a gradient alone', () => {
    const vars = params();
    const opt = createOptimizer({ name: 'sgd' }, vars);
    const w = tf.zeros([2, 2]), b = tf.zeros([2]), bad = tf.zeros([3]);
    expect(() => opt.apply({})).toThrow(/no gradients/);
    expect(() => opt.apply({ w, b: bad })).toThrow(/gradient "b" has shape \[3\], variable has \[2\]/);
    expect(() => opt.apply({ w, b, extra: b })).toThrow(/"extra" matches no trainable variable/);
    expect(opt.step).toBe(0);
    // A variable the loss does not reach has no gradient and is left alone (torch: .grad is None).
    const decaying = createOptimizer({ name: 'adamw', learningRate: 0.1, weightDecay: 0.5 }, vars);
    const bBefore = Array.from(vars.get('b')!.dataSync());
    const wBefore = Array.from(vars.get('w')!.dataSync());
    decaying.apply({ w }); // zero gradient for w: only decay moves it
    expect(Array.from(vars.get('b')!.dataSync())).toEqual(bBefore);
    expect(Array.from(vars.get('w')!.dataSync())).not.toEqual(wBefore);
    decaying.dispose();
    tf.dispose([w, b, bad]);
    opt.dispose();
    expect(() => opt.apply({})).toThrow(/after dispose/);
    vars.forEach((v) => v.dispose());
  });

  it('rejects bad configs with readable errors', () => {
    expect(() => createOptimizer({ name: 'sgd' }, new Map())).toThrow(/no trainable variables/);
    const unknown = OptimizerConfig.safeParse({ name: 'lion' });
    expect(unknown.success).toBe(false);
    expect(OptimizerConfig.safeParse({ name: 'adam', weightDecay: 0.1 }).success).toBe(false); // adam has no decay: use adamw
    expect(OptimizerConfig.safeParse({ name: 'sgd', nesterov: true }).success).toBe(false);
    expect(OptimizerConfig.safeParse({ name: 'adamw', b2: 1 }).success).toBe(false);
    expect(OptimizerConfig.safeParse({ name: 'adamw', weightDecayExclude: ['bias('] }).error?.issues[0]?.message).toBe('not a valid regular expression');
    const defaults = OptimizerConfig.parse({ name: 'adamw' });
    expect(defaults).toMatchObject({ learningRate: 1e-6, maxGradNorm: 1, weightDecay: 0.01, schedule: { kind: 'constant', warmupSteps: 0 } });
  });

  it('refuses a chain with the same stateful transform twice (slot names would clash)', () => {
    const vars = params();
    const before = tf.memory().numTensors;
    expect(() => chain(scaleByAdam(), scaleByAdam()).init(Object.fromEntries(vars))).toThrow(/slot "adam.m\/w" appears twice/);
    expect(tf.memory().numTensors).toBe(before); // the slots made before the clash was found are freed
    vars.forEach((v) => v.dispose());
  });
});
