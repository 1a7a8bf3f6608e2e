/**
 * A Bradley–Terry reward model (spec §7; TRL `RewardTrainer`, HF
 * `AutoModelForSequenceClassification` with num_labels 1): a causal LM's final-norm hidden state
 * at the last non-pad token of each row, through a linear head `score.weight` [1, D] (no bias, as
 * HF's `score` layer) → one scalar reward per row.
 *
 * Saved as a Hugging Face directory: the LM's files, `score.weight` added to model.safetensors,
 * and config.json naming `…ForSequenceClassification` with one label.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError, Rng, tf, type Tensor1D, type Variable } from '@prefstream/core';
import { CausalLM, type PackedBatch, type Tokenizer } from '@prefstream/model';
import { SCORE_WEIGHT, readScoreHead, writeScoreHead } from './internal/score-head-file.js';

/** HF class names of the sequence-classification twin of each causal LM class. */
function classificationArchitecture(config: Record<string, unknown>): string {
  const first = Array.isArray(config.architectures) ? String(config.architectures[0]) : '';
  if (/(LMHeadModel|ForCausalLM)$/.test(first)) return first.replace(/(LMHeadModel|ForCausalLM)$/, 'ForSequenceClassification');
  if (first.endsWith('ForSequenceClassification')) return first;
  const byType: Record<string, string> = { gpt2: 'GPT2', llama: 'Llama', qwen2: 'Qwen2', mistral: 'Mistral' };
  return `${byType[String(config.model_type)] ?? 'GPT2'}ForSequenceClassification`;
}

/** (1, D) trainable head. Unnamed: tfjs variable names are process-global, and many models coexist. */
function headVariable(values: Float32Array, D: number): Variable {
  return tf.tidy(() => tf.variable(tf.tensor2d(values, [1, D]), true));
}

export class RewardModel {
  private constructor(
    /** The language model whose hidden states are scored. @owns (disposed by {@link dispose}). */
    readonly lm: CausalLM,
    /** `score.weight` (1, D). @owns */
    readonly head: Variable,
  ) {}

  /**
   * A reward model over `lm` with a fresh head, normal(0, 0.02) as HF's `_init_weights`.
   * Takes ownership of `lm`.
   * @example const rm = RewardModel.fromLanguageModel(CausalLM.random(config, 0), 1);
   */
  static fromLanguageModel(lm: CausalLM, seed: number): RewardModel {
    const rng = new Rng(seed);
    const D = lm.config.hiddenSize;
    const init = Float32Array.from({ length: D }, () => 0.02 * rng.normal());
    return new RewardModel(lm, headVariable(init, D));
  }

  /**
   * Loads a directory written by {@link save} or by `transformers`
   * (`AutoModelForSequenceClassification.save_pretrained` with num_labels 1).
   * @throws DataError naming the directory when it has no `score.weight` or its shape is not [1, D].
   */
  static async load(dir: string, options: { tokenizer?: Tokenizer } = {}): Promise<RewardModel> {
    const head = await readScoreHead(dir);
    const where = path.join(dir, 'model.safetensors');
    if (!head) throw new DataError({ file: where, field: SCORE_WEIGHT, message: 'no reward head in this checkpoint (a causal LM, not a reward model?)' });
    const lm = await CausalLM.load(dir, { ignoreUnexpected: true, ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}) });
    const D = lm.config.hiddenSize;
    if (head.shape.length !== 2 || head.shape[0] !== 1 || head.shape[1] !== D) {
      lm.dispose();
      throw new DataError({ file: where, field: SCORE_WEIGHT, message: `shape [${head.shape.join(', ')}], expected [1, ${D}] (num_labels must be 1)` });
    }
    return new RewardModel(lm, headVariable(head.values, D));
  }

  /**
   * Writes a Hugging Face directory `AutoModelForSequenceClassification` loads.
   * @param options.padTokenId written as `pad_token_id` when config.json has none (HF finds the last
   *   non-pad token with it).
   */
  async save(dir: string, options: { padTokenId?: number } = {}): Promise<void> {
    await this.lm.save(dir);
    await writeScoreHead(dir, (await this.head.data()) as Float32Array);
    const configFile = path.join(dir, 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    config.architectures = [classificationArchitecture(config)];
    config.id2label = { '0': 'LABEL_0' };
    config.label2id = { LABEL_0: 0 };
    if (config.pad_token_id === undefined && options.padTokenId !== undefined) config.pad_token_id = options.padTokenId;
    const tmp = `${configFile}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(config, null, 2) + '\n');
    await rename(tmp, configFile);
  }

  /**
   * r(x, y) per row: `score.weight · h_last` with h_last the final-norm hidden state at the last
   * token whose attention mask is 1 (padding on either side). Differentiable w.r.t.
   * {@link trainableVariables}; use inside `tf.tidy` / `tf.variableGrads`. The Bradley–Terry loss
   * on a pair is `−logσ(r_w − r_l)` (losses' `bradleyTerryLoss`).
   * @returns (B,) float32 in the caller's scope. @borrows batch
   */
  rewards(batch: PackedBatch): Tensor1D {
    const { batchSize: B, seqLen: T, attentionMask } = batch;
    // One-hot (B, T) of each row's last real token: a product and a sum instead of a gather, so
    // the backward pass needs no scatter kernel.
    const pick = new Float32Array(B * T);
    for (let b = 0; b < B; b++) {
      let last = -1;
      for (let t = 0; t < T; t++) if (attentionMask[b * T + t]) last = t;
      if (last < 0) throw new Error(`RewardModel.rewards: row ${b} has no tokens`);
      pick[b * T + last] = 1;
    }
    const ids = tf.tensor2d(batch.inputIds, [B, T], 'int32');
    const mask = tf.tensor2d(batch.attentionMask, [B, T], 'int32');
    const hidden = this.lm.hiddenStates(ids, mask); // (B, T, D)
    const last = tf.sum(tf.mul(hidden, tf.tensor3d(pick, [B, T, 1])), 1); // (B, D)
    return tf.sum(tf.mul(last, this.head), 1) as Tensor1D; // (B,)  = last · score.weightᵀ
  }

  /** The LM's weights by HF name plus `score.weight`. @borrows (the model owns them) */
  trainableVariables(): ReadonlyMap<string, Variable> {
    return new Map([...this.lm.trainableVariables(), [SCORE_WEIGHT, this.head]]);
  }

  /** Frees the LM and the head. */
  dispose(): void {
    this.lm.dispose();
    this.head.dispose();
  }
}
