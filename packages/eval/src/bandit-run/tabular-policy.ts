/**
 * A tabular softmax policy over K arms, implementing LogProbModel (so the real loss registry and
 * every trainer stage train it) and TextGenerator (so `generateCandidates` samples from it with
 * the local engine). A row's completion is a single token whose id is the arm:
 *   logp(row) = log softmax(θ[c])[arm]
 * where c is the row's context: table 0 for a prompt without a context token, table j+1 for a
 * prompt whose last context token is `contextTokens[j]` (C-RLFT's class-conditioned prompts).
 * Lookups are one-hot products (no tf.gather), so gradients work on every backend, wasm included.
 */
import { createHash } from 'node:crypto';
import { Rng, tf, type Tensor1D, type Tensor2D, type Variable } from '@prefstream/core';
import type { Generation, GenerateOptions, LogProbModel, PackedBatch, SequenceLogps, TextGenerator } from '@prefstream/model';
import { armText } from './arm-tokenizer.js';
import { sampleArms, samplingDistribution } from './sample-arms.js';
import { readTabularPolicy, writeTabularPolicy } from './tabular-policy-io.js';

let nextId = 0;

/** Construction options of {@link TabularPolicy}. */
export interface TabularPolicyOptions {
  /** Number of arms K. */
  arms: number;
  /**
   * Initial logits: K values (repeated for every context) or C·K values, table by table; zeros
   * (uniform) by default.
   */
  logits?: ArrayLike<number>;
  /** Stable (checkpoint) name of the logits. */
  name?: string;
  /** Token ids that select tables 1 … C−1 when they appear in a prompt; none by default (C = 1). */
  contextTokens?: readonly number[];
}

/** π_θ(·|c) = softmax(θ[c]) over K arms, C contexts. @owns its variable — call {@link dispose}. */
export class TabularPolicy implements LogProbModel, TextGenerator {
  readonly arms: number;
  /** Number of tables C = 1 + contextTokens.length. */
  readonly contexts: number;
  readonly contextTokens: readonly number[];
  /** (C, K) float32 logits θ. */
  readonly logits: Variable;
  /** Stable name of the logits, the key in {@link trainableVariables}. */
  readonly name: string;

  constructor(options: TabularPolicyOptions) {
    this.arms = options.arms;
    this.contextTokens = [...(options.contextTokens ?? [])];
    this.contexts = 1 + this.contextTokens.length;
    const K = this.arms, C = this.contexts;
    const given = options.logits ? Array.from(options.logits) : new Array<number>(K).fill(0);
    const init = given.length === K ? Array.from({ length: C }, () => given).flat() : given;
    if (!(K >= 1) || init.length !== C * K) throw new Error(`TabularPolicy: ${given.length} logits for ${K} arms × ${C} contexts`);
    if (init.some((v) => !Number.isFinite(v))) throw new Error('TabularPolicy: logits must be finite');
    this.name = options.name ?? 'bandit.logits';
    // tfjs needs unique names among live variables; the stable name is the map key
    this.logits = tf.tidy(() => tf.variable(tf.tensor2d(init, [C, K]), true, `${this.name}#${nextId++}`));
  }

  /** The table of a prompt: its last context token's, else 0. */
  contextOf(promptIds: ArrayLike<number>): number {
    for (let i = promptIds.length - 1; i >= 0; i--) {
      const j = this.contextTokens.indexOf(promptIds[i]!);
      if (j >= 0) return j + 1;
    }
    return 0;
  }

  /** Each row must hold exactly one completion token, the arm in [0, K). */
  sequenceLogps(batch: PackedBatch): SequenceLogps {
    const { batchSize: B, seqLen: T } = batch;
    const K = this.arms, C = this.contexts;
    const cells = new Float32Array(B * C * K); // (B, C·K) one-hot of each row's (context, arm)
    const positions = new Float32Array(B * T); // (B, T) one-hot of the completion position
    for (let b = 0; b < B; b++) {
      let found = 0, arm = -1;
      const prompt: number[] = [];
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        if (!batch.attentionMask[i]) continue;
        if (!batch.completionMask[i]) {
          prompt.push(batch.inputIds[i]!);
          continue;
        }
        arm = batch.inputIds[i]!;
        if (arm < 0 || arm >= K) throw new Error(`TabularPolicy: row ${b}: arm ${arm} is outside [0, ${K})`);
        positions[i] = 1;
        found++;
      }
      if (found !== 1) throw new Error(`TabularPolicy: row ${b} has ${found} completion tokens; a bandit row has exactly one (the arm)`);
      cells[b * C * K + this.contextOf(prompt) * K + arm] = 1;
    }
    return tf.tidy(() => {
      const logProbs = tf.reshape(tf.logSoftmax(this.logits), [1, C * K]); // (1, C·K)
      const logps = tf.sum(tf.mul(tf.tensor2d(cells, [B, C * K]), logProbs), 1) as Tensor1D; // (B,)
      const tokenLogps = tf.mul(tf.tensor2d(positions, [B, T]), tf.expandDims(logps, 1)) as Tensor2D;
      return { logps, tokenLogps };
    });
  }

  /**
   * `options.n` arms per prompt (one token each, whatever `maxNewTokens` ≥ 1), sampled with the
   * temperature / top-k / top-p of `options` from a {@link Rng} seeded with `options.seed`.
   */
  async generate(prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<Generation[]> {
    if (!(options.maxNewTokens >= 1)) throw new Error(`TabularPolicy.generate: maxNewTokens must be ≥ 1, got ${options.maxNewTokens}`);
    const logps = this.logProbabilities();
    const rng = new Rng(options.seed ?? 0);
    const out: Generation[] = [];
    prompts.forEach((prompt, promptIndex) => {
      const c = this.contextOf(prompt);
      const q = samplingDistribution(logps.subarray(c * this.arms, (c + 1) * this.arms), options);
      sampleArms(q, options.n ?? 1, rng).forEach(({ arm, logp }, sampleIndex) =>
        out.push({ promptIndex, sampleIndex, completionIds: [arm], completion: armText(arm), tokenLogps: [logp], finishReason: 'length' }),
      );
    });
    return out;
  }

  trainableVariables(): ReadonlyMap<string, Variable> {
    return new Map([[this.name, this.logits]]);
  }

  async fingerprint(): Promise<string> {
    const values = (await this.logits.data()) as Float32Array;
    return createHash('sha256')
      .update(JSON.stringify(this.contextTokens))
      .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
      .digest('hex');
  }

  /** π(·|c) as float64 numbers (c = 0 by default). */
  probabilities(context = 0): Float64Array {
    const logps = this.logProbabilities();
    return Float64Array.from(logps.subarray(context * this.arms, (context + 1) * this.arms), Math.exp);
  }

  /** log π, all tables, (C·K) float64. */
  logProbabilities(): Float64Array {
    return Float64Array.from(tf.tidy(() => tf.logSoftmax(this.logits).dataSync() as Float32Array));
  }

  /** The logits θ, (C·K) table by table. */
  logitValues(): Float32Array {
    return Float32Array.from(this.logits.dataSync() as Float32Array);
  }

  /** Writes `tabular_policy.json` into `dir` (checkpoints and `final/` call this). */
  async save(dir: string): Promise<void> {
    await writeTabularPolicy(dir, { name: this.name, arms: this.arms, contextTokens: [...this.contextTokens], logits: Array.from(this.logitValues()) });
  }

  /** The policy saved in `dir` by {@link save}. @example const policy = await TabularPolicy.load('runs/bandit/final') */
  static async load(dir: string): Promise<TabularPolicy> {
    return new TabularPolicy(await readTabularPolicy(dir));
  }

  dispose(): void {
    this.logits.dispose();
  }
}
