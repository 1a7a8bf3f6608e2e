/**
 * Picks the next token from one row of logits: temperature, then top-k, then top-p (nucleus),
 * in the order transformers applies its logits warpers (TemperatureLogitsWarper,
 * TopKLogitsWarper, TopPLogitsWarper), and reports the token's log-prob under the distribution it
 * was drawn from. Computed in float64.
 */
import type { Rng } from '@prefstream/core';

export interface SamplingParams {
  /** 0 = greedy. */
  readonly temperature: number;
  /** 0 = no top-k. */
  readonly topK: number;
  /** 1 = no top-p. */
  readonly topP: number;
}

export interface SampledToken {
  readonly token: number;
  /** log p(token) under the renormalized sampling distribution (greedy: under the model, T = 1). */
  readonly logp: number;
}

function logSoftmaxAt(logits: ArrayLike<number>, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[index]! - max - Math.log(sum);
}

function maxOf(logits: ArrayLike<number>, ids: readonly number[]): number {
  let max = -Infinity;
  for (const i of ids) if (logits[i]! > max) max = logits[i]!;
  return max;
}

function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/**
 * @param logits (V,) one row of next-token logits.
 * @example
 * sampleToken(new Float32Array([0, 2, 1]), { temperature: 0.7, topK: 2, topP: 1 }, new Rng(1));
 */
export function sampleToken(logits: ArrayLike<number>, p: SamplingParams, rng: Rng): SampledToken {
  if (p.temperature === 0) {
    const token = argmax(logits);
    return { token, logp: logSoftmaxAt(logits, token) };
  }
  const V = logits.length;
  let candidates: number[] | undefined; // undefined = the whole vocabulary, in id order
  if (p.topK > 0 && p.topK < V) {
    const kth = Float32Array.from(logits).sort()[V - p.topK]!; // typed-array sort: numeric, fast
    candidates = [];
    for (let i = 0; i < V; i++) if (logits[i]! >= kth) candidates.push(i); // HF keeps ties with the k-th score
  }
  if (p.topP < 1) {
    candidates ??= Array.from({ length: V }, (_, i) => i);
    candidates.sort((a, b) => logits[b]! - logits[a]! || a - b); // descending, stable on ties
  }
  let order = candidates ?? Array.from({ length: V }, (_, i) => i);
  const max = maxOf(logits, order); // subtract the max before exp (stable softmax)
  let probs = order.map((i) => Math.exp((logits[i]! - max) / p.temperature));
  let total = probs.reduce((s, x) => s + x, 0);
  if (p.topP < 1) {
    // Keep the smallest prefix whose mass reaches topP (at least one token).
    let cum = 0;
    let keep = 0;
    while (keep < probs.length && (keep === 0 || cum / total < p.topP)) cum += probs[keep++]!;
    order = order.slice(0, keep);
    probs = probs.slice(0, keep);
    total = cum;
  }
  let u = rng.uniform() * total;
  let pick = probs.length - 1;
  for (let j = 0; j < probs.length; j++) {
    u -= probs[j]!;
    if (u < 0) {
      pick = j;
      break;
    }
  }
  return { token: order[pick]!, logp: Math.log(probs[pick]! / total) };
}
