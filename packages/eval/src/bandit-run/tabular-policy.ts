/**
 * A tabular softmax policy over K arms for one prompt, implementing LogProbModel so the real loss
 * registry trains it. A row's completion is a single token whose id is the arm:
 *   logp(row) = log softmax(θ)[arm]
 * Lookups are one-hot products (no tf.gather), so gradients work on every backend, wasm included.
 */
import { createHash } from 'node:crypto';
import { tf, type Tensor1D, type Tensor2D, type Variable } from '@prefstream/core';
import type { LogProbModel, PackedBatch, SequenceLogps } from '@prefstream/model';

let nextId = 0;

/** Construction options of {@link TabularPolicy}. */
export interface TabularPolicyOptions {
  /** Number of arms K. */
  arms: number;
  /** Initial logits (length K); zeros (uniform) by default. */
  logits?: ArrayLike<number>;
  /** Stable (checkpoint) name of the logits. */
  name?: string;
}

/** π_θ = softmax(θ) over K arms of a one-prompt bandit. @owns its variable — call {@link dispose}. */
export class TabularPolicy implements LogProbModel {
  readonly arms: number;
  /** (1, K) float32 logits θ. */
  readonly logits: Variable;
  /** Stable name of the logits, the key in {@link trainableVariables}. */
  readonly name: string;

  constructor(options: TabularPolicyOptions) {
    this.arms = options.arms;
    const init = options.logits ? Array.from(options.logits) : new Array<number>(this.arms).fill(0);
    if (!(this.arms >= 1) || init.length !== this.arms) throw new Error(`TabularPolicy: ${init.length} logits for ${this.arms} arms`);
    this.name = options.name ?? 'bandit.logits';
    // tfjs needs unique names among live variables; the stable name is the map key
    this.logits = tf.tidy(() => tf.variable(tf.tensor2d(init, [1, this.arms]), true, `${this.name}#${nextId++}`));
  }

  /** Each row must hold exactly one completion token, the arm in [0, K). */
  sequenceLogps(batch: PackedBatch): SequenceLogps {
    const { batchSize: B, seqLen: T } = batch;
    const K = this.arms;
    const arms = new Float32Array(B * K); // (B, K) one-hot of each row's arm
    const positions = new Float32Array(B * T); // (B, T) one-hot of the completion position
    for (let b = 0; b < B; b++) {
      let found = 0;
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        if (!batch.completionMask[i]) continue;
        const arm = batch.inputIds[i]!;
        if (arm < 0 || arm >= K) throw new Error(`TabularPolicy: row ${b}: arm ${arm} is outside [0, ${K})`);
        arms[b * K + arm] = 1;
        positions[i] = 1;
        found++;
      }
      if (found !== 1) throw new Error(`TabularPolicy: row ${b} has ${found} completion tokens; a bandit row has exactly one (the arm)`);
    }
    return tf.tidy(() => {
      const logProbs = tf.logSoftmax(this.logits); // (1, K)
      const logps = tf.sum(tf.mul(tf.tensor2d(arms, [B, K]), logProbs), 1) as Tensor1D; // (B,)
      const tokenLogps = tf.mul(tf.tensor2d(positions, [B, T]), tf.expandDims(logps, 1)) as Tensor2D;
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

  /** π(·) as float64 numbers. */
  probabilities(): Float64Array {
    return Float64Array.from(tf.tidy(() => tf.softmax(this.logits).dataSync() as Float32Array));
  }

  dispose(): void {
    this.logits.dispose();
  }
}
