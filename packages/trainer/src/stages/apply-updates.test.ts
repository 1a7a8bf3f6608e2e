import { beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom, from, lastValueFrom, map, range, Subject, take, tap, toArray, type Observable } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { initBackend, StageError, tf, type FlowItem, type GradientBatch } from '@prefstream/core';
import { createOptimizer } from '../optim/optimizer.js';
import { BigramModel } from '../test-support/bigram-model.js';
import { makeRows, nanGradients, nllGradients, type Row } from '../test-support/nll-gradients.js';
import { testContext } from '../test-support/test-context.js';
import { applyUpdates, ApplyUpdatesOptions } from './apply-updates.js';

const V = 6;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

/** Runs `applyUpdates` over micro-batches made lazily (each at the weights of its own step). */
function train(model: BigramModel, micro: Row[][], options: Record<string, unknown>, makeItem: (model: BigramModel, rows: Row[]) => GradientBatch = nllGradients) {
  const ctx = testContext({ policy: model });
  const stage = applyUpdates.create(ApplyUpdatesOptions.parse(options), ctx);
  const items$: Observable<FlowItem> = range(0, micro.length).pipe(map((i) => makeItem(model, micro[i]!)));
  return { ctx, rows$: items$.pipe(stage, map((b) => metricsOf(b as RecordBatch))) };
}

function metricsOf(batch: RecordBatch): Record<string, number> {
  expect(batch.numRows).toBe(1);
  return Object.fromEntries(batch.schema.fields.map((f) => [f.name, Number(batch.getChild(f.name)!.get(0))]));
}

/** Rows of step s: 8 fresh rows; split into micro-batches of the given sizes. */
function split(steps: number, sizes: number[]): Row[][] {
  const out: Row[][] = [];
  for (let s = 0; s < steps; s++) {
    const rows = makeRows(8, V, 8 * s);
    let at = 0;
    for (const n of sizes) out.push(rows.slice(at, (at += n)));
  }
  return out;
}

function expectClose(a: Record<string, Float32Array>, b: Record<string, Float32Array>, tol: number) {
  for (const name of Object.keys(a)) {
    const x = a[name]!, y = b[name]!;
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    expect(worst, name).toBeLessThan(tol);
  }
}

describe('applyUpdates: gradient accumulation invariant (as TRL test_gradient_accumulation)', () => {
  const optimizers = [
    { name: 'sgd', learningRate: 1.0, maxGradNorm: null }, // sensitive to the gradient's scale
    { name: 'adamw', learningRate: 0.05, weightDecay: 0.1, maxGradNorm: 0.5, schedule: { kind: 'linear', warmupSteps: 1, totalSteps: 4 } },
  ];
  for (const optimizer of optimizers) {
    it(`${optimizer.name}: 4 micro-batches × 2 rows (and 3 + 5 rows) = 1 batch × 8 rows, over 3 steps`, async () => {
      const reference = new BigramModel(V, 7), micro = new BigramModel(V, 7), uneven = new BigramModel(V, 7);
      const ref = await lastValueFrom(train(reference, split(3, [8]), { optimizer }).rows$.pipe(toArray()));
      const acc = await lastValueFrom(train(micro, split(3, [2, 2, 2, 2]), { optimizer, gradientAccumulationSteps: 4 }).rows$.pipe(toArray()));
      const unev = await lastValueFrom(train(uneven, split(3, [3, 5]), { optimizer, gradientAccumulationSteps: 2 }).rows$.pipe(toArray()));
      expectClose(micro.weights(), reference.weights(), 1e-5);
      expectClose(uneven.weights(), reference.weights(), 1e-5);
      expect(acc.map((r) => r.step)).toEqual([1, 2, 3]);
      for (const rows of [acc, unev]) {
        rows.forEach((r, s) => {
          for (const key of ['loss', 'grad_norm', 'logps/chosen', 'learning_rate']) expect(r[key], key).toBeCloseTo(ref[s]![key]!, 5);
        });
      }
      expect(ref.map((r) => r.learning_rate)).toEqual(optimizer.schedule ? [0, 0.05, expect.closeTo((0.05 * 2) / 3, 9)] : [1, 1, 1]); // warmup starts at 0 (HF LambdaLR)
      // the weights moved (the test would pass vacuously if nothing was applied)
      expect(Math.abs(reference.weights()['bigram.bias']![0]! - new BigramModel(V, 7).weights()['bigram.bias']![0]!)).toBeGreaterThan(1e-4);
      [reference, micro, uneven].forEach((m) => m.dispose());
    });
  }

  it('emits the documented metric columns and records them', async () => {
    const model = new BigramModel(V, 3);
    const { ctx, rows$ } = train(model, split(2, [4, 4]), { optimizer: { name: 'sgd', learningRate: 0.1 }, gradientAccumulationSteps: 2 });
    const rows = await lastValueFrom(rows$.pipe(toArray()));
    expect(Object.keys(rows[0]!).sort()).toEqual(['epoch', 'grad_norm', 'learning_rate', 'logps/chosen', 'loss', 'skipped_steps', 'step', 'tokens_per_second']);
    expect(rows[1]).toMatchObject({ step: 2, epoch: 0, skipped_steps: 0, learning_rate: expect.closeTo(0.1, 9) });
    expect(rows[1]!.tokens_per_second).toBeGreaterThan(0);
    expect(rows[0]!.loss).toBeCloseTo(-rows[0]!['logps/chosen']!, 5); // NLL = −mean log-prob
    expect(ctx.recorded.map((r) => r.meta)).toEqual([{ stage: 'applyUpdates', step: 1 }, { stage: 'applyUpdates', step: 2 }]);
    model.dispose();
  });
});

describe('applyUpdates: non-finite steps', () => {
  const sgd = { optimizer: { name: 'sgd', learningRate: 0.5 } };
  const badAt = (bad: Set<number>) => {
    let i = 0;
    return (model: BigramModel, rows: Row[]): GradientBatch => (bad.has(i++) ? nanGradients(model, rows) : nllGradients(model, rows));
  };

  it('skips a NaN batch, counts it, logs its index, and leaves the weights as if it never came', async () => {
    const skipping = new BigramModel(V, 5), clean = new BigramModel(V, 5);
    const batches = split(3, [8]);
    const run = train(skipping, batches, sgd, badAt(new Set([1])));
    const rows = await lastValueFrom(run.rows$.pipe(toArray()));
    await lastValueFrom(train(clean, [batches[0]!, batches[2]!], sgd).rows$);
    expect(rows.map((r) => [r.step, r.skipped_steps])).toEqual([[1, 0], [2, 1]]);
    expectClose(skipping.weights(), clean.weights(), 1e-6);
    expect(run.ctx.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([expect.stringMatching(/non-finite loss NaN.*micro-batch 1;/)]);
    skipping.dispose();
    clean.dispose();
  });

  it('stops with a StageError after maxConsecutiveSkips skipped steps in a row, not before', async () => {
    const model = new BigramModel(V, 5);
    const fourThenGood = train(model, split(6, [8]), sgd, badAt(new Set([0, 1, 2, 3])));
    expect((await lastValueFrom(fourThenGood.rows$.pipe(toArray()))).map((r) => r.skipped_steps)).toEqual([4, 4]);
    const before = tf.memory().numTensors;
    const five = train(model, split(6, [8]), sgd, badAt(new Set([1, 2, 3, 4, 5])));
    const error = await lastValueFrom(five.rows$.pipe(toArray())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect(error).toMatchObject({ stage: 'applyUpdates', batchIndex: 5 });
    expect((error as Error).message).toMatch(/5 optimizer steps in a row had a non-finite/);
    expect(tf.memory().numTensors).toBe(before); // the erroring step freed its window and the optimizer
    model.dispose();
  });
});

describe('applyUpdates: tensors and stream behaviour', () => {
  it('keeps tf.memory flat over 50 steps and frees everything at the end', async () => {
    const model = new BigramModel(V, 9);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const { rows$ } = train(model, split(25, [4, 4]), { optimizer: { name: 'adamw', learningRate: 0.01 } });
    await lastValueFrom(rows$.pipe(tap(() => counts.push(tf.memory().numTensors))));
    expect(counts).toHaveLength(50);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('frees a partial accumulation window and the optimizer on early unsubscribe', async () => {
    const model = new BigramModel(V, 9);
    const before = tf.memory().numTensors;
    const input = new Subject<FlowItem>();
    const ctx = testContext({ policy: model });
    const out = input.pipe(applyUpdates.create(ApplyUpdatesOptions.parse({ gradientAccumulationSteps: 2 }), ctx));
    const first = firstValueFrom(out.pipe(take(1)));
    for (let i = 0; i < 2; i++) input.next(nllGradients(model, makeRows(2, V, i)));
    await first; // unsubscribed after the first step
    const sub = out.subscribe();
    input.next(nllGradients(model, makeRows(2, V, 5))); // held in the window…
    sub.unsubscribe(); // …and freed here
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('errors downstream with the batch index for input that is not a gradient batch', async () => {
    const model = new BigramModel(V, 2);
    const stage = applyUpdates.create(ApplyUpdatesOptions.parse({}), testContext({ policy: model }));
    const good = nllGradients(model, makeRows(2, V));
    const before = tf.memory().numTensors - Object.keys(good.gradients).length;
    const error = await lastValueFrom(from([good, good.batch as FlowItem]).pipe(stage)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StageError', batchIndex: 1 });
    expect((error as Error).message).toMatch(/expected a gradient batch.*record batch/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects a missing model, a non-model, and clashing optimizer options at build time', () => {
    expect(() => applyUpdates.create(ApplyUpdatesOptions.parse({ model: 'actor' }), testContext({ policy: 1 }))).toThrow(/resource "actor" is not a model.*resources: policy/);
    expect(ApplyUpdatesOptions.safeParse({ optimizer: { name: 'sgd' }, optimizerResource: 'opt' }).success).toBe(false);
    expect(ApplyUpdatesOptions.safeParse({ gradientAccumulationSteps: 0 }).success).toBe(false);
    expect(ApplyUpdatesOptions.safeParse({ optimizer: { name: 'adamw', lr: 1 } }).success).toBe(false);
  });

  it('steps a shared optimizer from ctx.resources and leaves it alive after teardown', async () => {
    const model = new BigramModel(V, 4);
    const optimizer = createOptimizer({ name: 'adamw', learningRate: 0.01 }, model.trainableVariables());
    const ctx = testContext({ policy: model, opt: optimizer });
    const stage = applyUpdates.create(ApplyUpdatesOptions.parse({ optimizerResource: 'opt' }), ctx);
    const run = () => lastValueFrom(range(0, 2).pipe(map((i) => nllGradients(model, makeRows(2, V, i)) as FlowItem), stage, map((b) => metricsOf(b as RecordBatch))));
    expect((await run()).step).toBe(2);
    expect((await run()).step).toBe(4); // the same optimizer continued
    expect(optimizer.step).toBe(4);
    optimizer.dispose();
    model.dispose();
  });
});
