import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastValueFrom, map, of, take, tap, toArray, type Observable } from 'rxjs';
import { ConfigError, float32Vector, initBackend, makeBatch, StageError, tf, tokenListVector, type Batch, type FlowItem, type GradientBatch } from '@prefstream/core';
import { floatListVector } from '../float-lists.js';
import { testContext } from '../test-support/stage-context.js';
import { TabularPolicy } from '../test-support/tabular-policy.js';
import { expectClose } from '../test-support/tensors.js';
import { grpoLoss } from './grpo-loss-stage.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const THETA = [0.5, -1, 0.25];
const ARMS = [[0], [1], [2], [0, 1]]; // the last completion has two tokens
const ADV = [1, -1, 0.5, -0.5];
const logSoftmax = (logits: readonly number[]) => {
  const z = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
  return logits.map((l) => l - z);
};

let policy: TabularPolicy;
let baseline: number;
beforeEach(() => {
  baseline = tf.memory().numTensors;
  policy = new TabularPolicy({ arms: 3, logits: THETA });
});
afterEach(() => {
  policy.dispose();
  expect(tf.memory().numTensors).toBe(baseline);
});

function batch(extra: Record<string, ReturnType<typeof float32Vector> | ReturnType<typeof floatListVector>> = {}): Batch {
  return makeBatch({ prompt_ids: tokenListVector(ARMS.map(() => [0])), completion_ids: tokenListVector(ARMS), advantages: float32Vector(ADV), ...extra });
}
const oldColumn = () => floatListVector(ARMS.map((arms) => arms.map((a) => logSoftmax(THETA)[a]!)));

function run(input: Batch, options: Record<string, unknown>, onGradient: (g: GradientBatch) => void = (g) => tf.dispose(g.gradients)): Observable<GradientBatch> {
  const op = grpoLoss.create(grpoLoss.options.parse(options), testContext({ policy }));
  return of<FlowItem>(input).pipe(op, map((item) => item as GradientBatch), tap(onGradient));
}

/** Synchronous SGD on the logits, as applyUpdates applies an update before `next` returns. */
const sgd = (lr: number, seen: number[][]) => (g: GradientBatch) => {
  seen.push(policy.probabilities());
  const grad = g.gradients[policy.name]!;
  const next = tf.tidy(() => tf.sub(policy.logits, tf.mul(grad, lr)));
  policy.logits.assign(next);
  next.dispose();
  tf.dispose(g.gradients);
};

/** The grpo loss over ARMS at logits θ with behaviour logits θold, ε = 0.2, β = 0. */
function expectedLoss(theta: readonly number[], thetaOld: readonly number[]): number {
  const lp = logSoftmax(theta);
  const old = logSoftmax(thetaOld);
  let total = 0;
  ARMS.forEach((arms, b) => {
    const a = ADV[b]!;
    const terms = arms.map((k) => {
      const r = Math.exp(lp[k]! - old[k]!);
      return -Math.min(r * a, Math.min(Math.max(r, 0.8), 1.2) * a);
    });
    total += terms.reduce((s, x) => s + x, 0) / arms.length;
  });
  return total / ARMS.length;
}

describe('grpoLoss stage', () => {
  it('emits μ gradient batches, each computed after the previous update: generate → (grad → update) × μ', async () => {
    const seen: number[][] = [];
    const lr = 1.5;
    const out = await lastValueFrom(run(batch({ old_token_logps: oldColumn() }), { iterations: 3 }, sgd(lr, seen)).pipe(toArray()));
    expect(out).toHaveLength(3);
    // iteration 1: on-policy, ratio = 1 ⇒ loss = −mean_b A_b = 0
    expectClose(out[0]!.loss, 0, 1e-6);
    // the gradient of iteration 1 in closed form: g_j = −(1/B) Σ_b A_b (1/n_b) Σ_t (1[a_bt = j] − π_j)
    const pi = logSoftmax(THETA).map(Math.exp);
    const g = pi.map((p, j) => -ARMS.reduce((s, arms, b) => s + (ADV[b]! * arms.reduce((u, a) => u + (a === j ? 1 : 0) - p, 0)) / arms.length, 0) / ARMS.length);
    const theta1 = THETA.map((t, j) => t - lr * g[j]!);
    // iteration 2 saw the updated policy: its loss is the clipped objective at θ1 against θold = θ0
    expect(seen[1]![0]).not.toBeCloseTo(seen[0]![0]!, 3);
    expectClose(out[1]!.loss, expectedLoss(theta1, THETA), 1e-5);
    expect(out[1]!.loss).toBeLessThan(-0.01);
    expect(out[2]!.loss).toBeLessThan(out[1]!.loss);
  });

  it('reports TRL metrics: clip ratios and completion lengths', async () => {
    const out = await lastValueFrom(run(batch({ old_token_logps: oldColumn() }), { iterations: 2, epsilon: 0.05 }, sgd(3, [])).pipe(toArray()));
    expect(out[0]!.metrics['clip_ratio/region_mean']).toBe(0);
    expect(out[1]!.metrics['clip_ratio/region_mean']).toBeGreaterThan(0);
    expect(out[0]!.metrics['completions/mean_length']).toBe(1.25);
    expect(out[0]!.metrics['completions/max_length']).toBe(2);
    expect(out[0]!.metrics['completions/min_length']).toBe(1);
    expect(out[0]!.rows).toBe(4);
  });

  it('with β > 0 adds β·k3 against ref_token_logps and logs kl', async () => {
    const ref = floatListVector(ARMS.map((arms) => arms.map(() => Math.log(1 / 3))));
    const [out] = await lastValueFrom(run(batch({ ref_token_logps: ref }), { beta: 0.5 }).pipe(toArray()));
    const lp = logSoftmax(THETA);
    const k3 = (k: number) => Math.exp(Math.log(1 / 3) - lp[k]!) - (Math.log(1 / 3) - lp[k]!) - 1;
    const perRow = ARMS.map((arms) => arms.reduce((s, a) => s + k3(a), 0) / arms.length);
    expectClose(out!.loss, 0.5 * (perRow.reduce((s, x) => s + x, 0) / 4), 1e-5);
    expectClose(out!.metrics.kl!, (k3(0) + k3(1) + k3(2) + k3(0) + k3(1)) / 5, 1e-5);
  });

  it('declares the columns it needs for its options', () => {
    const req = (o: Record<string, unknown>) => grpoLoss.requires(grpoLoss.options.parse(o));
    expect(req({})).toEqual(['prompt_ids', 'completion_ids', 'advantages']);
    expect(req({ iterations: 2, beta: 0.1 })).toEqual(['prompt_ids', 'completion_ids', 'advantages', 'old_token_logps', 'ref_token_logps']);
    expect(() => grpoLoss.create(grpoLoss.options.parse({ lossType: 'dr_grpo' }), testContext({ policy }))).toThrow(ConfigError);
  });

  it('names the row and column of bad per-token or advantage values', async () => {
    const short = floatListVector(ARMS.map(() => [-1]));
    await expect(lastValueFrom(run(batch({ old_token_logps: short }), { iterations: 2 }))).rejects.toThrow(/row 3.*old_token_logps.*1 values for 2/);
    await expect(lastValueFrom(run(batch({ advantages: float32Vector([1, Number.NaN, 0, 0]) }), {}))).rejects.toThrow(StageError);
    await expect(lastValueFrom(run(batch({ advantages: float32Vector([1, Number.NaN, 0, 0]) }), {}))).rejects.toThrow(/row 1.*advantages/);
  });

  it('counts an empty batch instead of emitting a NaN update', async () => {
    const ctx = testContext({ policy });
    const empty = makeBatch({ prompt_ids: tokenListVector([]), completion_ids: tokenListVector([]), advantages: float32Vector([]) });
    const out = await lastValueFrom(of<FlowItem>(empty).pipe(grpoLoss.create(grpoLoss.options.parse({}), ctx), toArray()));
    expect(out).toEqual([]);
    expect(ctx.recorded).toEqual([{ 'grpo/empty_batches': 1 }]);
  });

  it('leaks nothing when unsubscribed between iterations', async () => {
    const out = await lastValueFrom(run(batch({ old_token_logps: oldColumn() }), { iterations: 4 }).pipe(take(2), toArray()));
    expect(out).toHaveLength(2);
  });
});
