/**
 * Exact population objectives on a one-prompt bandit (spec §11): every ordered pair (a, b) of arms
 * is one row, weighted by μ1(a)·μ2(b), so the expected loss is a weighted sum, with no sampling
 * noise. Also closed-form optima and total variation.
 */
import { tf, type Scalar, type Tensor1D } from '@prefstream/core';
import { packSequences, type PackedBatch } from '@prefstream/model';
import type { TabularPolicy } from './tabular-policy.js';

export interface PairTable {
  /** Arm of the first ("chosen") element per row. */
  first: number[];
  /** Arm of the second ("rejected") element per row. */
  second: number[];
  /** μ1(a)·μ2(b) per row (sums to 1). */
  weight: number[];
}

/** All K² ordered pairs with weights μ1(a)·μ2(b). */
export function allPairs(mu1: readonly number[], mu2: readonly number[] = mu1): PairTable {
  const table: PairTable = { first: [], second: [], weight: [] };
  mu1.forEach((p, a) =>
    mu2.forEach((q, b) => {
      table.first.push(a);
      table.second.push(b);
      table.weight.push(p * q);
    }),
  );
  return table;
}

/** The 2B rows of a pair table packed once: the B first arms, then the B second arms. */
export function packPairs(pairs: PairTable): PackedBatch {
  const arms = [...pairs.first, ...pairs.second];
  return packSequences(arms.map(() => [0]), arms.map((a) => [a]), { padSide: 'right', padTokenId: 0 });
}

/** (B,) policy log-probs of the first and of the second arms (one forward over `packed`). */
export function pairLogps(policy: TabularPolicy, pairs: PairTable, packed: PackedBatch = packPairs(pairs)): { chosen: Tensor1D; rejected: Tensor1D } {
  const { logps } = policy.sequenceLogps(packed);
  const B = pairs.first.length;
  return { chosen: tf.slice(logps, 0, B), rejected: tf.slice(logps, B, B) };
}

/** Minimizes `objective` over the policy's logits with full-batch Adam. */
export function minimize(policy: TabularPolicy, objective: () => Scalar, steps = 300, learningRate = 0.1): number {
  const optimizer = tf.train.adam(learningRate);
  try {
    let last = Number.NaN;
    for (let i = 0; i < steps; i++) {
      const value = optimizer.minimize(objective, i === steps - 1, [policy.logits]);
      if (value) {
        last = value.dataSync()[0]!;
        value.dispose();
      }
    }
    return last;
  } finally {
    optimizer.dispose();
  }
}

/** Weighted mean Σ_i w_i·loss_i. @owns the result. */
export function weightedSum(losses: Tensor1D, weights: readonly number[]): Scalar {
  return tf.sum(tf.mul(losses, tf.tensor1d(Array.from(weights)))) as Scalar;
}

/** π ∝ base·exp(score/temperature). */
export function tilt(base: readonly number[], score: readonly number[], temperature: number): number[] {
  const logits = base.map((p, i) => Math.log(p) + score[i]! / temperature);
  const max = Math.max(...logits);
  const un = logits.map((l) => Math.exp(l - max));
  const z = un.reduce((s, x) => s + x, 0);
  return un.map((x) => x / z);
}

/** ½·Σ|p − q|. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  return 0.5 * p.reduce((s, x, i) => s + Math.abs(x - q[i]!), 0);
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
