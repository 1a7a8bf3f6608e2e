/**
 * The parsed model configuration every architecture reads. It is built from a Hugging Face
 * `config.json` by the parser registered for its `model_type` (see `parseModelConfig`), and keeps
 * the raw json in `hf` so that `save` writes back every key it does not understand.
 */

/** Architectures with an implementation; other `model_type`s map onto these (mistral → llama). */
export type ArchitectureName = 'gpt2' | 'llama' | 'qwen2';

export interface ModelConfig {
  readonly architecture: ArchitectureName;
  /** The HF `model_type` as read (`mistral` keeps its name here, architecture is `llama`). */
  readonly modelType: string;
  readonly vocabSize: number;
  /** D: width of the residual stream. */
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** H: query heads. */
  readonly numHeads: number;
  /** Key/value heads (grouped-query attention when < numHeads; HF `num_key_value_heads`). */
  readonly numKvHeads: number;
  /** Width of one head (HF `head_dim`, default hiddenSize / numHeads). */
  readonly headDim: number;
  /** Width of the MLP's inner layer. */
  readonly intermediateSize: number;
  /** Longest sequence the position scheme supports (GPT-2: hard limit of the learned table). */
  readonly maxPositions: number;
  readonly tieWordEmbeddings: boolean;
  /** Epsilon of LayerNorm (gpt2) or RMSNorm (llama, qwen2). */
  readonly normEps: number;
  /** MLP activation, by its HF name (`gelu_new`, `silu`, …). */
  readonly activation: string;
  /** RoPE base (HF `rope_theta`); unused by gpt2. */
  readonly ropeTheta: number;
  /** Bias on the q, k, v projections (gpt2 and qwen2: true). */
  readonly qkvBias: boolean;
  /** Bias on the attention output projection (gpt2: true; llama: `attention_bias`). */
  readonly outputBias: boolean;
  /** Bias on the MLP projections (gpt2: true; llama: `mlp_bias`). */
  readonly mlpBias: boolean;
  /** Keys further back than this are masked (Mistral / Qwen2 sliding window); undefined = none. */
  readonly slidingWindow: number | undefined;
  /** GPT-2 `scale_attn_by_inverse_layer_idx`: scores also divided by (layer index + 1). */
  readonly scaleAttnByInverseLayerIdx: boolean;
  readonly bosTokenId: number | undefined;
  /** First of `eosTokenIds` (HF allows a list). */
  readonly eosTokenId: number | undefined;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | undefined;
  /** The config.json as read (or as generated for a random model). */
  readonly hf: Readonly<Record<string, unknown>>;
}
