/**
 * A causal language model over tfjs variables, loaded from and saved to Hugging Face model
 * directories (DESIGN §5). Architectures come from a registry (gpt2, llama, qwen2; mistral → llama).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, DataError, Rng, tf, type Tensor2D, type Tensor3D, type Variable } from '@prefstream/core';
import { ARCHITECTURES } from './architectures/architecture-registry.js';
import { deriveFor, type Architecture, type Decoder, type WeightSpec } from './architectures/architecture.js';
import { parseGenerationConfig, type GenerationConfig } from './config/generation-config.js';
import type { ModelConfig } from './config/model-config.js';
import { parseModelConfig } from './config/parse-model-config.js';
import { generate, type ModelGenerateOptions } from './generate/generate.js';
import { attentionBias, positionIds } from './internal/attention-mask.js';
import { initWeight } from './internal/init-weights.js';
import { internalShape } from './internal/layout.js';
import type { KvCache } from './generate/kv-cache.js';
import { linear } from './internal/linear.js';
import { readWeights, type ReadWeightsOptions } from './internal/read-weights.js';
import { sequenceLogps } from './internal/sequence-logps.js';
import { writeModel } from './internal/write-model.js';
import type { Generation, LogProbModel, PackedBatch, SequenceLogps, TextGenerator, Tokenizer } from './policy.js';
import type { SafetensorsDtype } from './safetensors/dtype.js';

export interface LoadOptions extends ReadWeightsOptions {
  /** Used by `generate` for stop strings and completion text. */
  tokenizer?: Tokenizer;
}

export interface SaveOptions {
  /** Write every weight in this dtype (default: the dtype each weight was loaded in; F32 for random). */
  dtype?: 'F32' | 'F16' | 'BF16';
  /** Shard above this many bytes per file (default 5 GB). */
  maxShardBytes?: number;
}

/** One incremental decoding step's inputs (see {@link CausalLM.decodeStep}). */
export interface DecodeStepInputs {
  /** (B, T) int32 new tokens. */
  ids: Tensor2D;
  /** (B, S) 1/0 over all cached + new positions. */
  keyMask: Tensor2D;
  /** (B, T) int32 positions of the new tokens. */
  positions: Tensor2D;
  cache: KvCache;
}

interface Weight {
  spec: WeightSpec;
  variable: Variable;
  dtype: SafetensorsDtype;
}

/**
 * A Hugging Face causal LM over tfjs variables. @owns its weights (see `trainableVariables`).
 * @example
 * const model = await CausalLM.load('../shared/fixtures/hf-gpt2-tiny');
 * const { logps } = await computeLogps(model, packSequences([[15496]], [[995]], { padSide: 'right', padTokenId: 50256 }));
 * model.dispose();
 */
export class CausalLM implements LogProbModel, TextGenerator {
  /** Tokenizer for stop strings and completion text in `generate` (optional). */
  tokenizer: Tokenizer | undefined;
  private readonly arch: Architecture;
  private readonly weights: Map<string, Weight>;
  private readonly decoder: Decoder;
  private disposed = false;

  private constructor(
    readonly config: ModelConfig,
    readonly generationConfig: GenerationConfig,
    entries: readonly { spec: WeightSpec; values: Float32Array; shape: number[]; dtype: SafetensorsDtype }[],
  ) {
    this.arch = ARCHITECTURES[config.architecture];
    this.weights = new Map(
      entries.map(({ spec, values, shape, dtype }) => [spec.name, { spec, dtype, variable: tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true)) }]),
    );
    this.decoder = this.arch.decoder(config, (name) => {
      const w = this.weights.get(name);
      if (!w) throw new Error(`${config.architecture}: no weight named "${name}"`);
      return w.variable;
    });
  }

  /**
   * Loads a Hugging Face model directory (config.json, model.safetensors or shards, optional
   * generation_config.json). Weights of any float dtype are computed in float32.
   * @example
   * const model = await CausalLM.load('fixtures/hf-gpt2-tiny');
   * const logits = tf.tidy(() => model.forward(tf.tensor2d([[15496, 995]], [1, 2], 'int32')));
   */
  static async load(dir: string, options: LoadOptions = {}): Promise<CausalLM> {
    const configPath = path.join(dir, 'config.json');
    if (!existsSync(configPath)) throw new DataError({ file: configPath, message: 'no config.json: not a Hugging Face model directory' });
    const config = parseModelConfig(await readJson(configPath), configPath);
    const genPath = path.join(dir, 'generation_config.json');
    const generationConfig = existsSync(genPath) ? parseGenerationConfig(await readJson(genPath), genPath) : defaultGenerationConfig(config);
    const weights = await readWeights(dir, config, ARCHITECTURES[config.architecture], options);
    const model = new CausalLM(config, generationConfig, weights);
    model.tokenizer = options.tokenizer;
    return model;
  }

  /**
   * A model with freshly initialized weights (Hugging Face `_init_weights`: normal(0, 0.02),
   * GPT-2 residual projections scaled by 1/√(2L), norms 1, biases 0), deterministic in `seed`.
   * @example
   * const model = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 256, n_embd: 64, n_layer: 2, n_head: 2, n_positions: 64 }), 0);
   */
  static random(config: ModelConfig, seed: number): CausalLM {
    const rng = new Rng(seed);
    const specs = ARCHITECTURES[config.architecture].weightSpecs(config);
    const entries = specs.map((spec) => ({ spec, values: initWeight(spec, rng), shape: internalShape(spec.hfShape, spec.transposed), dtype: 'F32' as const }));
    return new CausalLM(config, defaultGenerationConfig(config), entries);
  }

  /** Writes a Hugging Face model directory (created if needed) that `transformers` loads. */
  async save(dir: string, options: SaveOptions = {}): Promise<void> {
    this.assertAlive();
    const weights = [];
    for (const w of this.weights.values()) {
      weights.push({ spec: w.spec, values: (await w.variable.data()) as Float32Array, dtype: options.dtype ?? w.dtype });
    }
    await writeModel(dir, {
      config: { ...this.config.hf },
      generationConfig: { ...this.generationConfig.hf },
      weights,
      ...(options.maxShardBytes === undefined ? {} : { maxShardBytes: options.maxShardBytes }),
    });
  }

  /**
   * Final-norm hidden states (what a value or reward head reads).
   * @param inputIds (B, T) int32. @param attentionMask (B, T) 1 for tokens, 0 for padding (either side).
   * @returns (B, T, D) float32 in the caller's tidy scope. @borrows inputIds, attentionMask
   */
  hiddenStates(inputIds: Tensor2D, attentionMask?: Tensor2D): Tensor3D {
    const [B, T] = inputIds.shape;
    return tf.reshape(this.hidden2d(inputIds, attentionMask), [B, T, this.config.hiddenSize]); // (B, T, D)
  }

  /**
   * Next-token logits: position t scores token t + 1.
   * @returns (B, T, V) float32 in the caller's tidy scope. @borrows inputIds, attentionMask
   */
  forward(inputIds: Tensor2D, attentionMask?: Tensor2D): Tensor3D {
    const [B, T] = inputIds.shape;
    const logits = linear(this.hidden2d(inputIds, attentionMask), this.decoder.head()); // (B·T, V)
    return tf.reshape(logits, [B, T, this.config.vocabSize]); // (B, T, V)
  }

  /**
   * Incremental decoding: runs new tokens against a KV cache (which it extends) and returns the
   * logits of each row's last new token.
   * @returns (B, V) float32 in the caller's tidy scope. @borrows inputs
   */
  decodeStep(inputs: DecodeStepInputs): Tensor2D {
    this.assertAlive();
    const [B, T] = inputs.ids.shape;
    const S = inputs.keyMask.shape[1];
    this.checkIds(inputs.ids, S);
    const bias = attentionBias(inputs.keyMask, T, S, this.config.slidingWindow); // (B, 1, T, S)
    const h = this.decoder.hidden({ ids: inputs.ids, positions: inputs.positions, bias, cache: inputs.cache }); // (B·T, D)
    const last = T === 1 ? h : tf.reshape(tf.slice(tf.reshape(h, [B, T, -1]), [0, T - 1, 0], [B, 1, -1]), [B, -1]); // (B, D)
    return linear(last as Tensor2D, this.decoder.head(deriveFor(inputs.cache))); // (B, V)
  }

  /** Σ log π(completion | prompt) per row, differentiable; see {@link LogProbModel}. @borrows batch */
  sequenceLogps(batch: PackedBatch): SequenceLogps {
    this.assertAlive();
    return sequenceLogps(batch, this.config.vocabSize, (ids, mask) => this.hidden2d(ids, mask), () => this.decoder.head());
  }

  /**
   * The weights by Hugging Face name. Linear weights of llama/qwen2 are held transposed
   * ([in, out]) relative to the file; `save` writes the file layout. @borrows (the model owns them)
   */
  trainableVariables(): ReadonlyMap<string, Variable> {
    this.assertAlive();
    return new Map([...this.weights].map(([name, w]) => [name, w.variable]));
  }

  /** SHA-256 over names, file shapes and float32 values of every weight (hex). */
  async fingerprint(): Promise<string> {
    this.assertAlive();
    const hash = createHash('sha256').update(this.config.architecture);
    for (const [name, w] of this.weights) {
      const values = (await w.variable.data()) as Float32Array;
      hash.update(`${name}:${w.spec.hfShape.join('x')}:${w.spec.transposed ? 'T' : 'N'};`);
      hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    return hash.digest('hex');
  }

  /**
   * Samples completions with a KV cache; see {@link ModelGenerateOptions}.
   * Without a tokenizer, `completion` is '' and `stop` strings are an error.
   */
  generate(prompts: readonly (readonly number[])[], options: ModelGenerateOptions): Promise<Generation[]> {
    this.assertAlive();
    return generate(this, prompts, options);
  }

  /** Frees the weights and constants; the model is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.weights.values()) w.variable.dispose();
    this.decoder.dispose();
  }

  private hidden2d(inputIds: Tensor2D, attentionMask?: Tensor2D): Tensor2D {
    this.assertAlive();
    const [B, T] = inputIds.shape;
    if (attentionMask && (attentionMask.shape[0] !== B || attentionMask.shape[1] !== T)) {
      throw new Error(`attentionMask shape [${attentionMask.shape.join(', ')}] does not match inputIds [${B}, ${T}]`);
    }
    this.checkIds(inputIds, T);
    const positions = positionIds(attentionMask, B, T); // (B, T)
    const bias = attentionBias(attentionMask, T, T, this.config.slidingWindow); // (B or 1, 1, T, T)
    return this.decoder.hidden({ ids: inputIds, positions, bias }); // (B·T, D)
  }

  private checkIds(ids: Tensor2D, length: number): void {
    if (ids.dtype !== 'int32') throw new Error(`inputIds must be int32, got ${ids.dtype}`);
    if (this.arch.learnedPositions && length > this.config.maxPositions) {
      throw new Error(`sequence length ${length} exceeds ${this.config.architecture}'s ${this.config.maxPositions} learned positions (n_positions)`);
    }
    const values = ids.dataSync();
    const V = this.config.vocabSize;
    for (let i = 0; i < values.length; i++) {
      const id = values[i]!;
      if (!(id >= 0 && id < V)) throw new Error(`token id ${id} at flat index ${i} is outside the vocabulary [0, ${V})`);
    }
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('CausalLM: used after dispose()');
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** transformers `GenerationConfig.from_model_config`: the special ids of config.json. */
function defaultGenerationConfig(config: ModelConfig): GenerationConfig {
  const hf: Record<string, unknown> = { _from_model_config: true };
  if (config.bosTokenId !== undefined) hf.bos_token_id = config.bosTokenId;
  if (config.eosTokenIds.length) hf.eos_token_id = config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : [...config.eosTokenIds];
  if (config.padTokenId !== undefined) hf.pad_token_id = config.padTokenId;
  return parseGenerationConfig(hf, 'generation defaults from config.json');
}
