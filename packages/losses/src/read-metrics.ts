/**
 * Reads scalar metric tensors into plain numbers with one device read.
 */
import { tf, type Scalar } from '@prefstream/core';

/**
 * @borrows `metrics` (the caller's tidy scope disposes them).
 * @example
 * // read inside the tidy that created the metrics
 * const values = tf.tidy(() => readMetrics(preferenceLoss('sigmoid', inputs, { beta: 0.1 }).metrics));
 * values['rewards/margins']; // a number
 */
export function readMetrics(metrics: Readonly<Record<string, Scalar>>): Record<string, number> {
  const names = Object.keys(metrics);
  if (names.length === 0) return {};
  const values = tf.tidy(() => tf.stack(names.map((n) => tf.reshape(metrics[n]!, []))).dataSync());
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = values[i]!));
  return out;
}
