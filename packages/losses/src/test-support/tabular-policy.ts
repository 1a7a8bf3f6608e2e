/**
 * A tabular softmax policy over K arms and P contexts that implements LogProbModel, for exact
 * population tests on bandits (spec §11). A row's context is its first prompt token (0 when the
 * prompt is empty); every completion token is an arm, scored independently:
 *   logp(row) = Σ_{t ∈ completion} log softmax(θ[context])[token_t]
 * Lookups are one-hot products (no tf.gather), so gradients work on every backend.
 */
import { createHash } from 'node:crypto';
import { tf, type Tensor1D, type Tensor2D, type Variable } from '@prefstream/core';
import type { LogProbModel, PackedBatch, SequenceLogps } from '@prefstream/model';

let nextId = 0;

export interface TabularPolicyOptions {
  arms: number;
  contexts?: number;
  /** Initial logits, (P·K) row-major; zeros (uniform) by default. */
  logits?: readonly number[];
  /** Variable name, as a checkpoint would name it. */
  name?: string;
}

export class TabularPolicy implements LogProbModel {
  readonly arms: number;
  readonly contexts: number;
  /** (P, K) float32 logits θ. @owns — call {@link dispose}. */
  readonly logits: Variable;
  /** Stable (checkpoint) name of the logits, the key in {@link trainableVariables}. */
  readonly name: string;
  /** Number of `sequenceLogps` calls (lets cache tests count model work). */
  calls = 0;

  constructor(options: TabularPolicyOptions) {
    this.arms = options.arms;
    this.contexts = options.contexts ?? 1;
    const init = options.logits ?? new Array<number>(this.arms * this.contexts).fill(0);
    if (init.length !== this.arms * this.contexts) throw new Error(`TabularPolicy: ${init.length} logits for ${this.contexts}×${this.arms}`);
    this.name = options.name ?? 'tabular.logits';
    // tfjs needs unique names among live variables; the stable name is the map key
    const unique = `${this.name}#${nextId++}`;
    // tidy disposes the initial tensor; the variable keeps its own copy
    this.logits = tf.tidy(() => tf.variable(tf.tensor2d(Array.from(init), [this.contexts, this.arms]), true, unique));
  }

  sequenceLogps(batch: PackedBatch): SequenceLogps {
    this.calls++;
    const { batchSize: B, seqLen: T } = batch;
    const K = this.arms;
    const context = new Float32Array(B * this.contexts); // (B, P) one-hot of each row's context
    const tokens = new Float32Array(B * T * K); // (B·T, K) one-hot of completion tokens, 0 elsewhere
    for (let b = 0; b < B; b++) {
      let ctx = -1;
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        const id = batch.inputIds[i]!;
        if (batch.attentionMask[i] && !batch.completionMask[i] && ctx < 0) ctx = id;
        if (!batch.completionMask[i]) continue;
        if (id < 0 || id >= K) throw new Error(`TabularPolicy: row ${b}, position ${t}: arm ${id} is outside [0, ${K})`);
        tokens[i * K + id] = 1;
      }
      ctx = Math.max(ctx, 0);
      if (ctx >= this.contexts) throw new Error(`TabularPolicy: row ${b}: context ${ctx} is outside [0, ${this.contexts})`);
      context[b * this.contexts + ctx] = 1;
    }
    return tf.tidy(() => {
      const logProbs = tf.logSoftmax(this.logits); // (P, K)
      const rowLogProbs = tf.matMul(tf.tensor2d(context, [B, this.contexts]), logProbs); // (B, K)
      const perToken = tf.mul(tf.tensor3d(tokens, [B, T, K]), tf.expandDims(rowLogProbs, 1)); // (B, T, K)
      const tokenLogps = tf.sum(perToken, 2) as Tensor2D; // (B, T), 0 off the completion
      const logps = tf.sum(tokenLogps, 1) as Tensor1D; // (B,)
      return { logps, tokenLogps };
    });
  }

  trainableVariables(): ReadonlyMap<string, Variable> {
    return new Map([[this.name, this.logits]]);
  }

  async fingerprint(): Promise<string> {
    const values = (await this.logits.data()) as Float32Array;
    return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
  }

  /** π(·|context) as plain numbers. */
  probabilities(context = 0): number[] {
    return tf.tidy(() => Array.from(tf.softmax(this.logits).dataSync().slice(context * this.arms, (context + 1) * this.arms)));
  }

  dispose(): void {
    this.logits.dispose();
  }
}
