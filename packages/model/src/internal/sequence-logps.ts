/**
 * Log-probs of completion tokens (spec/ALGORITHMS.md §1): the logits at position t score token
 * t + 1, so token t's log-prob comes from row t − 1; prompt and padding tokens are masked. Only the
 * rows that predict a completion token go through the (B·T, D)·(D, V) head and the log-softmax.
 */
import { tf, type Tensor1D, type Tensor2D } from '@prefstream/core';
import { labelLogProbs } from './label-log-probs.js';
import { linear } from './linear.js';
import type { PackedBatch, SequenceLogps } from '../policy.js';

/** Checks a PackedBatch's array lengths and ids before any tensor is built. */
export function validatePackedBatch(batch: PackedBatch, vocabSize: number): void {
  const n = batch.batchSize * batch.seqLen;
  for (const key of ['inputIds', 'attentionMask', 'completionMask'] as const) {
    if (batch[key].length !== n) throw new Error(`PackedBatch.${key} has ${batch[key].length} entries, expected batchSize·seqLen = ${n}`);
  }
  if (batch.completionLengths.length !== batch.batchSize) {
    throw new Error(`PackedBatch.completionLengths has ${batch.completionLengths.length} entries, expected batchSize = ${batch.batchSize}`);
  }
  for (let i = 0; i < n; i++) {
    const id = batch.inputIds[i]!;
    if (!(id >= 0 && id < vocabSize)) throw new Error(`PackedBatch.inputIds[${i}] = ${id} is outside the vocabulary [0, ${vocabSize})`);
    if (batch.completionMask[i] && !batch.attentionMask[i]) throw new Error(`PackedBatch: position ${i} is completion but masked out`);
    if (batch.completionMask[i] && i % batch.seqLen === 0) throw new Error(`PackedBatch: row ${i / batch.seqLen} starts with a completion token, which has no context to score it`);
  }
}

/**
 * @param hidden runs the decoder: ids (B, T), mask (B, T) → (B·T, D).
 * @param head the unembedding (D, V).
 */
export function sequenceLogps(
  batch: PackedBatch,
  vocabSize: number,
  hidden: (ids: Tensor2D, mask: Tensor2D) => Tensor2D,
  head: () => Tensor2D,
): SequenceLogps {
  validatePackedBatch(batch, vocabSize);
  const { batchSize: B, seqLen: T } = batch;
  // Rows r = b·T + t − 1 predict completion token (b, t); `slot` maps every (b, t) to 1 + its
  // index among those rows, or 0 (a constant zero) when (b, t) is not a completion token.
  const rows: number[] = [];
  const labels: number[] = [];
  const slot = new Int32Array(B * T);
  for (let i = 0; i < B * T; i++) {
    if (!batch.completionMask[i]) continue;
    rows.push(i - 1);
    labels.push(batch.inputIds[i]!);
    slot[i] = rows.length;
  }
  const ids = tf.tensor2d(batch.inputIds, [B, T], 'int32');
  const mask = tf.tensor2d(batch.attentionMask, [B, T], 'int32');
  const h = hidden(ids, mask); // (B·T, D)
  let flat: Tensor1D; // (B·T,) log-prob of each completion token, 0 elsewhere
  if (rows.length === 0) {
    flat = tf.mul(tf.sum(h), tf.zeros([B * T])) as Tensor1D; // keeps the graph connected for gradients
  } else {
    const picked = tf.gather(h, tf.tensor1d(rows, 'int32')); // (N, D)
    const logits = linear(picked, head()); // (N, V)
    const tokenLp = labelLogProbs(logits, tf.tensor1d(labels, 'int32')); // (N,) log softmax at the label
    flat = tf.gather(tf.concat([tf.zeros([1]), tokenLp]), tf.tensor1d(slot, 'int32')) as Tensor1D; // (B·T,)
  }
  const tokenLogps = tf.reshape(flat, [B, T]) as Tensor2D; // (B, T)
  return { logps: tf.sum(tokenLogps, 1) as Tensor1D, tokenLogps };
}
