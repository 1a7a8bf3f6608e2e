/**
 * A tiny loss for tests that hands gradients to the update stage the way a loss stage does:
 * the negative log-likelihood of the completions, averaged over rows,
 * `L = −(1/B)·Σ_b log π(y_b | x_b)`, and its gradient for every trainable variable.
 */
import { makeBatch, tf, tokenListVector, type GradientBatch, type NamedTensorMap, type Scalar } from '@prefstream/core';
import type { LogProbModel } from '@prefstream/model';
import { packRows } from './bigram-model.js';

export interface Row {
  prompt: number[];
  completion: number[];
}

/**
 * One {@link GradientBatch} for `rows`. @owns nothing after return: the gradients belong to the
 * receiver. Reports `logps/chosen` (mean completion log-prob) as a TRL-named metric.
 */
export function nllGradients(model: LogProbModel, rows: readonly Row[]): GradientBatch {
  const packed = packRows(rows);
  const variables = model.trainableVariables();
  const byTfName = new Map([...variables].map(([name, v]) => [v.name, name]));
  let meanLogps = 0;
  const { value, grads } = tf.variableGrads(() => {
    const { logps } = model.sequenceLogps(packed);
    const mean = tf.mean(logps);
    meanLogps = mean.dataSync()[0]!;
    return tf.neg(mean) as Scalar;
  }, [...variables.values()]);
  const gradients: NamedTensorMap = {};
  for (const [tfName, grad] of Object.entries(grads)) gradients[byTfName.get(tfName)!] = grad;
  const loss = value.dataSync()[0]!;
  value.dispose();
  const batch = makeBatch({
    prompt_ids: tokenListVector(rows.map((r) => r.prompt)),
    completion_ids: tokenListVector(rows.map((r) => r.completion)),
  });
  const tokens = rows.reduce((n, r) => n + r.prompt.length + r.completion.length, 0);
  return { kind: 'gradients', batch, gradients, loss, rows: rows.length, tokens, metrics: { 'logps/chosen': meanLogps } };
}

/** A gradient batch whose loss and gradients are NaN (a diverged step), shaped like `model`'s variables. */
export function nanGradients(model: LogProbModel, rows: readonly Row[]): GradientBatch {
  const good = nllGradients(model, rows);
  const gradients: NamedTensorMap = {};
  for (const [name, g] of Object.entries(good.gradients)) {
    gradients[name] = tf.fill(g.shape, Number.NaN);
    g.dispose();
  }
  return { ...good, gradients, loss: Number.NaN };
}

/** Deterministic token rows over a vocabulary of `vocab` tokens. */
export function makeRows(count: number, vocab: number, offset = 0): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const k = i + offset;
    return { prompt: [k % vocab, (k * 3 + 1) % vocab], completion: [(k * 5 + 2) % vocab, (k * 7 + 3) % vocab, (k + 4) % vocab] };
  });
}
