/**
 * A policy with a scalar value head on its final-norm hidden states, one value per token: the
 * actor–critic of PPO with a shared trunk, as TRL's `AutoModelForCausalLMWithValueHead`
 * (`v_head.summary`, an `nn.Linear(D, 1)`).
 *
 * Saved as the policy's Hugging Face directory (loads anywhere as a plain causal LM) plus
 * `value_head.safetensors` holding `v_head.summary.weight` [1, D] and `v_head.summary.bias` [1]
 * under TRL's names, so a resumed run gets its critic back.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError, Rng, tf, type Tensor2D, type Variable } from '@prefstream/core';
import {
  CausalLM,
  float32ToRaw,
  SafetensorsReader,
  writeSafetensors,
  type Generation,
  type LogProbModel,
  type ModelGenerateOptions,
  type PackedBatch,
  type SequenceLogps,
  type TextGenerator,
  type Tokenizer,
} from '@prefstream/model';

/** File of the value head inside a checkpoint directory. */
export const VALUE_HEAD_FILE = 'value_head.safetensors';
/** TRL's names of the head's tensors. */
export const VALUE_HEAD_WEIGHT = 'v_head.summary.weight';
export const VALUE_HEAD_BIAS = 'v_head.summary.bias';

/**
 * @owns its LM and head (`dispose()` frees both).
 * @example
 * const model = PolicyWithValueHead.fromLanguageModel(CausalLM.random(config, 0), 1);
 * const values = tf.tidy(() => model.tokenValues(packed)); // (B, T)
 */
export class PolicyWithValueHead implements LogProbModel, TextGenerator {
  private constructor(
    /** The policy. @owns */
    readonly lm: CausalLM,
    /** (1, D) @owns */
    readonly weight: Variable,
    /** (1,) @owns */
    readonly bias: Variable,
  ) {}

  /**
   * A fresh head over `lm` (weight normal(0, 0.02) as HF `_init_weights`, bias 0); takes ownership
   * of `lm`.
   */
  static fromLanguageModel(lm: CausalLM, seed: number): PolicyWithValueHead {
    const rng = new Rng(seed);
    const D = lm.config.hiddenSize;
    const init = Float32Array.from({ length: D }, () => 0.02 * rng.normal());
    return new PolicyWithValueHead(lm, headVariable(init, [1, D]), headVariable(new Float32Array(1), [1]));
  }

  /**
   * Loads a directory written by {@link save}. A directory without `value_head.safetensors` (a
   * plain SFT checkpoint) gets a fresh head from `seed`.
   * @throws DataError naming the file when the head's shapes do not match the LM.
   */
  static async load(dir: string, options: { tokenizer?: Tokenizer; seed?: number } = {}): Promise<PolicyWithValueHead> {
    const lm = await CausalLM.load(dir, options.tokenizer ? { tokenizer: options.tokenizer } : {});
    const file = path.join(dir, VALUE_HEAD_FILE);
    if (!existsSync(file)) return PolicyWithValueHead.fromLanguageModel(lm, options.seed ?? 0);
    const D = lm.config.hiddenSize;
    const reader = await SafetensorsReader.open(file);
    try {
      const w = await reader.readFloat32(VALUE_HEAD_WEIGHT);
      const b = await reader.readFloat32(VALUE_HEAD_BIAS);
      if (w.shape.join() !== `1,${D}` || b.shape.join() !== '1') {
        throw new DataError({ file, field: VALUE_HEAD_WEIGHT, message: `shapes [${w.shape.join(', ')}] and [${b.shape.join(', ')}], expected [1, ${D}] and [1]` });
      }
      return new PolicyWithValueHead(lm, headVariable(w.values, [1, D]), headVariable(b.values, [1]));
    } catch (error) {
      lm.dispose();
      throw error;
    } finally {
      await reader.close();
    }
  }

  /** The policy's HF directory plus `value_head.safetensors`. */
  async save(dir: string): Promise<void> {
    await this.lm.save(dir);
    const D = this.lm.config.hiddenSize;
    const tensors = new Map([
      [VALUE_HEAD_WEIGHT, float32ToRaw((await this.weight.data()) as Float32Array, [1, D], 'F32')],
      [VALUE_HEAD_BIAS, float32ToRaw((await this.bias.data()) as Float32Array, [1], 'F32')],
    ]);
    await writeSafetensors(path.join(dir, VALUE_HEAD_FILE), tensors);
  }

  /** The tokenizer `generate` uses for text and stop strings (the LM's). */
  get tokenizer(): Tokenizer | undefined {
    return this.lm.tokenizer;
  }
  set tokenizer(tokenizer: Tokenizer | undefined) {
    this.lm.tokenizer = tokenizer;
  }

  /** The policy's log-probs (the head plays no part). @borrows batch */
  sequenceLogps(batch: PackedBatch): SequenceLogps {
    return this.lm.sequenceLogps(batch);
  }

  /**
   * V(x, y_<t) for every completion token t, aligned with `sequenceLogps().tokenLogps`: entry (b, t)
   * reads the hidden state at position t − 1 (the state in which token t is chosen, TRL
   * `full_value[:, context_length − 1 : −1]`); 0 off the completion. Differentiable.
   * @returns (B, T) float32 in the caller's scope. @borrows batch
   */
  tokenValues(batch: PackedBatch): Tensor2D {
    const { batchSize: B, seqLen: T } = batch;
    const ids = tf.tensor2d(batch.inputIds, [B, T], 'int32');
    const mask = tf.tensor2d(batch.attentionMask, [B, T], 'int32');
    const hidden = this.lm.hiddenStates(ids, mask); // (B, T, D)
    const D = hidden.shape[2];
    const v = tf.reshape(tf.add(tf.matMul(tf.reshape(hidden, [B * T, D]), this.weight, false, true), this.bias), [B, T]); // (B, T) V after token t
    const shifted = T > 1 ? tf.concat([tf.zeros([B, 1]), tf.slice(v, [0, 0], [B, T - 1])], 1) : tf.zeros([B, T]); // (B, T) V before token t
    return tf.mul(shifted, tf.tensor2d(Float32Array.from(batch.completionMask), [B, T])) as Tensor2D;
  }

  /** Samples with the policy; see `CausalLM.generate`. */
  generate(prompts: readonly (readonly number[])[], options: ModelGenerateOptions): Promise<Generation[]> {
    return this.lm.generate(prompts, options);
  }

  /** The policy's weights by HF name plus `v_head.summary.weight` and `v_head.summary.bias`. */
  trainableVariables(): ReadonlyMap<string, Variable> {
    return new Map([...this.lm.trainableVariables(), [VALUE_HEAD_WEIGHT, this.weight], [VALUE_HEAD_BIAS, this.bias]]);
  }

  /** The LM's fingerprint (the head does not change log-probs). */
  fingerprint(): Promise<string> {
    return this.lm.fingerprint();
  }

  /** Frees the LM and the head. */
  dispose(): void {
    this.lm.dispose();
    this.weight.dispose();
    this.bias.dispose();
  }
}

/** Unnamed trainable variable: tfjs variable names are process-global. */
function headVariable(values: Float32Array, shape: number[]): Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
}
