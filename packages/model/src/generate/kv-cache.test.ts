import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { KvCache } from './kv-cache.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('KvCache', () => {
  it('derived: reused while the source keeps its data, recomputed after assign, freed on dispose', () => {
    const w = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
    const before = tf.memory().numTensors;
    const cache = new KvCache(1);
    let calls = 0;
    const make = () => {
      calls++;
      return tf.transpose(w);
    };
    const a = cache.derived('t', [w], make);
    expect(cache.derived('t', [w], make)).toBe(a);
    expect(calls).toBe(1);
    const next = tf.tensor2d([[5, 6], [7, 8]]);
    w.assign(next);
    next.dispose();
    expect(cache.derived('t', [w], make).arraySync()).toEqual([[5, 7], [6, 8]]);
    expect(calls).toBe(2);
    expect(a.isDisposed).toBe(true);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('select keeps the given rows of every layer; commit disposes the replaced tensors', () => {
    const cache = new KvCache(2);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 2; step++) {
      tf.tidy(() => {
        for (let l = 0; l < 2; l++) {
          const kv = tf.tensor4d(Float32Array.from({ length: 3 * 1 * (step + 1) * 2 }, (_, i) => i + 100 * l), [3, 1, step + 1, 2]);
          cache.stage(l, { k: kv, v: tf.neg(kv) });
        }
      });
      cache.commit();
    }
    expect(cache.length).toBe(2);
    cache.select([2, 0]);
    expect(cache.past(1)!.k.shape).toEqual([2, 1, 2, 2]);
    expect(Array.from(cache.past(0)!.k.dataSync().slice(0, 4))).toEqual([8, 9, 10, 11]);
    expect(tf.memory().numTensors).toBe(before + 4);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
