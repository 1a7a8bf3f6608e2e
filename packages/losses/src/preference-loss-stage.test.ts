import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, ConfigError, float32Vector, initBackend, makeBatch, StageError, tf, tokenListVector, type Batch, type GradientBatch } from '@prefstream/core';
import { firstValueFrom, from, lastValueFrom, take, toArray, type Observable } from 'rxjs';
import { LOSS_TYPES } from './loss-registry.js';
import { preferenceLoss } from './preference-loss.js';
import { expectClose } from './test-support/tensors.js';
import { testContext } from './test-support/stage-context.js';
import { TabularPolicy } from './test-support/tabular-policy.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

let policy: TabularPolicy;
let baseline: number;
const setup = (logits = [0.3, -0.2, 0.1]) => {
  baseline = tf.memory().numTensors;
  policy = new TabularPolicy({ arms: 3, logits });
};
afterEach(() => {
  policy.dispose();
  expect(tf.memory().numTensors).toBe(baseline);
});

/** Pairs of arms as a batch with every column any loss type reads. */
function pairBatch(chosen: number[], rejected: number[], extra: Record<string, number[]> = {}): Batch {
  const B = chosen.length;
  return makeBatch({
    [COLUMNS.promptIds]: tokenListVector(chosen.map(() => [0])),
    [COLUMNS.chosenIds]: tokenListVector(chosen.map((a) => [a])),
    [COLUMNS.rejectedIds]: tokenListVector(rejected.map((b) => [b])),
    [COLUMNS.refChosenLogps]: float32Vector(new Array(B).fill(Math.log(1 / 3))),
    [COLUMNS.refRejectedLogps]: float32Vector(new Array(B).fill(Math.log(1 / 3))),
    [COLUMNS.chosenReward]: float32Vector(chosen.map((a) => 1 - a)),
    [COLUMNS.rejectedReward]: float32Vector(rejected.map((b) => 1 - b)),
    [COLUMNS.preference]: float32Vector(new Array(B).fill(0.8)),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, float32Vector(v)])),
  });
}

function run(options: Record<string, unknown>, batches: Batch[], resources: Record<string, unknown> = { policy }): Observable<GradientBatch> {
  const parsed = preferenceLoss.options.parse(options);
  return from(batches).pipe(preferenceLoss.create(parsed, testContext(resources))) as Observable<GradientBatch>;
}

const dispose = (items: GradientBatch[]) => items.forEach((g) => tf.dispose(Object.values(g.gradients)));

describe('preferenceLoss stage', () => {
  it('is a stage definition of kind preferenceLoss: batch → gradients', () => {
    setup();
    expect(preferenceLoss.kind).toBe('preferenceLoss');
    expect(preferenceLoss.input).toBe('batch');
    expect(preferenceLoss.output).toBe('gradients');
    const o = (x: Record<string, unknown>) => preferenceLoss.options.parse(x);
    expect(preferenceLoss.requires(o({ loss: 'sigmoid' }))).toEqual(['prompt_ids', 'chosen_ids', 'rejected_ids', 'ref_chosen_logps', 'ref_rejected_logps']);
    expect(preferenceLoss.requires(o({ loss: 'sigmoid', referenceFree: true, softLabels: true }))).toEqual(['prompt_ids', 'chosen_ids', 'rejected_ids', 'preference']);
    expect(preferenceLoss.requires(o({ loss: 'copg' }))).toContain('chosen_reward');
    expect(preferenceLoss.requires(o({ loss: 'slic', targetColumn: 'sft_ids' }))).toEqual(['prompt_ids', 'chosen_ids', 'rejected_ids', 'sft_ids']);
  });

  it('emits the DPO gradient in closed form: ∂L/∂θ = −β·mean_i σ(−βh_i)·(e_{a_i} − e_{b_i})', async () => {
    setup();
    // uniform reference: h_i = θ_a − θ_b (the log-partition cancels), θ = (0.3, −0.2, 0.1)
    const [g] = await lastValueFrom(run({ loss: 'sigmoid', beta: 0.5 }, [pairBatch([0, 2], [1, 1])]).pipe(toArray()));
    const theta = [0.3, -0.2, 0.1];
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    const w0 = -0.5 * s(-0.5 * (theta[0]! - theta[1]!)); // pair (0, 1)
    const w1 = -0.5 * s(-0.5 * (theta[2]! - theta[1]!)); // pair (2, 1)
    const expected = [w0 / 2, -(w0 + w1) / 2, w1 / 2];
    const grad = Array.from(g!.gradients['tabular.logits']!.dataSync());
    expected.forEach((e, i) => expectClose(grad[i]!, e, 1e-5));
    // loss = mean softplus(−βh); rows 2; tokens = 4 rows × (prompt + completion)
    expectClose(g!.loss, (Math.log1p(Math.exp(-0.25)) + Math.log1p(Math.exp(-0.15))) / 2, 1e-6);
    expect(g!.rows).toBe(2);
    expect(g!.tokens).toBe(8);
    expect(g!.metrics['rewards/accuracies']).toBe(1);
    expectClose(g!.metrics['rewards/margins']!, 0.5 * (0.5 + 0.3) / 2, 1e-6);
    dispose([g!]);
  });

  it.each(LOSS_TYPES)('runs loss type %s end to end with finite loss and gradients', async (type) => {
    setup();
    const out = await lastValueFrom(run({ loss: type, softLabels: type === 'sigmoid' || type === 'ipo' }, [pairBatch([0, 2, 1], [1, 0, 2])]).pipe(toArray()));
    expect(out).toHaveLength(1);
    expect(Number.isFinite(out[0]!.loss)).toBe(true);
    for (const x of out[0]!.gradients['tabular.logits']!.dataSync()) expect(Number.isFinite(x)).toBe(true);
    dispose(out);
  });

  it('combines loss types with weights: loss = Σ w_k·mean(loss_k)', async () => {
    setup();
    const batch = pairBatch([0, 2], [1, 1]);
    const one = async (options: Record<string, unknown>) => {
      const g = await firstValueFrom(run(options, [batch]));
      dispose([g]);
      return g.loss;
    };
    const combined = await one({ loss: ['sigmoid', 'sft'], weights: [1, 0.25] });
    expectClose(combined, (await one({ loss: 'sigmoid' })) + 0.25 * (await one({ loss: 'sft' })), 1e-6);
  });

  it('leaks nothing when the consumer unsubscribes early', async () => {
    setup();
    const batches = Array.from({ length: 6 }, (_, i) => pairBatch([i % 3, (i + 1) % 3], [(i + 2) % 3, i % 3]));
    const taken = await lastValueFrom(run({ loss: 'sigmoid' }, batches).pipe(take(2), toArray()));
    expect(taken).toHaveLength(2);
    dispose(taken); // the receiver owns the gradients
  });

  it('routes a missing column downstream as a StageError naming stage, batch and column', async () => {
    setup();
    const good = pairBatch([0], [1]);
    const bad = makeBatch({ prompt_ids: tokenListVector([[0]]), chosen_ids: tokenListVector([[0]]), rejected_ids: tokenListVector([[1]]) });
    const seen: GradientBatch[] = [];
    const error = await new Promise<unknown>((resolve) =>
      run({ loss: 'sigmoid' }, [good, bad]).subscribe({ next: (g) => seen.push(g), error: resolve, complete: () => resolve(undefined) }),
    );
    dispose(seen);
    expect(error).toBeInstanceOf(StageError);
    expect(String((error as Error).message)).toMatch(/stage preferenceLoss, batch 1: .*ref_chosen_logps/);
  });

  it('names row and field of a non-finite reward, and an unknown policy resource', async () => {
    setup();
    const batch = makeBatch({
      prompt_ids: tokenListVector([[0], [0]]),
      chosen_ids: tokenListVector([[0], [1]]),
      rejected_ids: tokenListVector([[1], [2]]),
      chosen_reward: float32Vector([1, Number.NaN]),
      rejected_reward: float32Vector([0, 0]),
    });
    await expect(lastValueFrom(run({ loss: 'copg', referenceFree: true }, [batch]))).rejects.toThrow(/row 1, field "chosen_reward": value NaN is not finite/);
    expect(() => run({ loss: 'sigmoid' }, [], {})).toThrow(ConfigError);
    expect(() => run({ loss: 'sigmoid' }, [], {})).toThrow(/no resource named "policy"/);
    expect(() => preferenceLoss.options.parse({ loss: 'dpo' })).toThrow();
    expect(() => run({ loss: 'hinge', softLabels: true }, [])).toThrow(/softLabels: loss "hinge" does not use soft labels/);
  });
});
