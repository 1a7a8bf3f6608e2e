/**
 * A tiny differentiable {@link LogProbModel} for tests: a bigram table,
 * `log π(y_t | y_<t) = logSoftmax(W[y_{t−1}] + b)[y_t]`, with W (V, V) and b (V,) as the two
 * trainable variables `bigram.weight` and `bigram.bias`. The lookup is `oneHot · W` (a plain 2-D
 * matMul), not `gather`, whose gradient the wasm backend lacks (notes/TFJS-ON-NODE.md).
 */
import { createHash } from 'node:crypto';
import { tf, type Tensor1D, type Tensor2D, type Variable } from '@prefstream/core';
import type { LogProbModel, PackedBatch, SequenceLogps } from '@prefstream/model';

export class BigramModel implements LogProbModel {
  readonly vocabSize: number;
  private readonly variables: Map<string, Variable>;

  /** @param seed seeds the N(0, 0.1²) initial weights, so two models with one seed are equal. */
  constructor(vocabSize: number, seed: number) {
    if (!(Number.isInteger(vocabSize) && vocabSize >= 2)) throw new Error(`BigramModel: vocabSize must be an integer ≥ 2, got ${vocabSize}`);
    this.vocabSize = vocabSize;
    this.variables = new Map([
      ['bigram.weight', tf.tidy(() => tf.variable(tf.randomNormal([vocabSize, vocabSize], 0, 0.1, 'float32', seed)))],
      ['bigram.bias', tf.tidy(() => tf.variable(tf.randomNormal([vocabSize], 0, 0.1, 'float32', seed + 1)))],
    ]);
  }

  sequenceLogps(batch: PackedBatch): SequenceLogps {
    const { batchSize: B, seqLen: T } = batch;
    const V = this.vocabSize;
    const weight = this.variables.get('bigram.weight')!;
    const bias = this.variables.get('bigram.bias')!;
    const ids = tf.tensor2d(batch.inputIds, [B, T], 'int32'); // (B, T)
    const prev = ids.slice([0, 0], [B, T - 1]).reshape([B * (T - 1)]); // (B·(T−1),)
    const next = ids.slice([0, 1], [B, T - 1]).reshape([B * (T - 1)]);
    const logits = tf.add(tf.matMul(tf.oneHot(prev, V).toFloat(), weight), bias); // (B·(T−1), V)
    const logp = tf.logSoftmax(logits); // (B·(T−1), V)
    const picked = tf.sum(tf.mul(logp, tf.oneHot(next, V).toFloat()), 1).reshape([B, T - 1]); // (B, T−1)
    const mask = tf.tensor2d(batch.completionMask, [B, T], 'int32').slice([0, 1], [B, T - 1]).toFloat();
    const shifted = tf.mul(picked, mask); // log p(token_t | token_{t−1}) at completion positions t ≥ 1
    const tokenLogps = tf.concat([tf.zeros([B, 1]), shifted], 1) as Tensor2D; // (B, T)
    const logps = tf.sum(tokenLogps, 1) as Tensor1D; // (B,)
    return { logps, tokenLogps };
  }

  trainableVariables(): ReadonlyMap<string, Variable> {
    return this.variables;
  }

  async fingerprint(): Promise<string> {
    const hash = createHash('sha256');
    for (const [name, variable] of this.variables) {
      hash.update(name);
      hash.update(new Uint8Array(((await variable.data()) as Float32Array).buffer));
    }
    return hash.digest('hex');
  }

  /** The weights as plain arrays, for comparisons in tests. */
  weights(): Record<string, Float32Array> {
    return Object.fromEntries([...this.variables].map(([name, v]) => [name, v.dataSync() as Float32Array]));
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/** Prompt + completion ids packed right-padded with 0 into a {@link PackedBatch}. */
export function packRows(rows: readonly { prompt: readonly number[]; completion: readonly number[] }[]): PackedBatch {
  if (rows.length === 0) throw new Error('packRows: no rows');
  const T = Math.max(...rows.map((r) => r.prompt.length + r.completion.length));
  const B = rows.length;
  const inputIds = new Int32Array(B * T), attentionMask = new Int32Array(B * T), completionMask = new Int32Array(B * T);
  const completionLengths = new Int32Array(B);
  rows.forEach((row, b) => {
    const ids = [...row.prompt, ...row.completion];
    ids.forEach((id, t) => {
      inputIds[b * T + t] = id;
      attentionMask[b * T + t] = 1;
      completionMask[b * T + t] = t >= row.prompt.length ? 1 : 0;
    });
    completionLengths[b] = row.completion.length;
  });
  return { inputIds, attentionMask, completionMask, batchSize: B, seqLen: T, completionLengths };
}
