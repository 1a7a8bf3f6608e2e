/**
 * What an architecture provides: its weights (by Hugging Face name, shape and layout) and the
 * decoder stack computed from them. Registered by name in `architecture-registry.ts`.
 */
import type { Tensor, Tensor2D, Tensor4D } from '@prefstream/core';
import type { ModelConfig } from '../config/model-config.js';
import type { KvCache } from '../generate/kv-cache.js';

/** How to initialize a weight in `CausalLM.random` (HF `_init_weights` of each model). */
export type WeightInit = { readonly normal: number } | 'zeros' | 'ones';

export interface WeightSpec {
  /** The Hugging Face tensor name (e.g. `model.layers.0.self_attn.q_proj.weight`). */
  readonly name: string;
  /** Shape in the checkpoint file. */
  readonly hfShape: readonly number[];
  /** True when the model holds the transpose ([in, out]) of the file's nn.Linear [out, in]. */
  readonly transposed: boolean;
  readonly init: WeightInit;
}

/** One forward call's inputs, shared by all layers. */
export interface DecoderInputs {
  /** (B, T) int32 token ids. */
  readonly ids: Tensor2D;
  /** (B, T) int32 position of each token. */
  readonly positions: Tensor2D;
  /** (B or 1, 1, T, S) additive attention bias (causal + padding), S = cached + T. */
  readonly bias: Tensor4D;
  readonly cache?: KvCache | undefined;
}

/**
 * Computes a tensor from weights; when decoding with a cache, the result is reused across steps
 * (see `KvCache.derived`), otherwise it is computed in the tape so gradients reach the weights.
 */
export type DeriveWeight = (key: string, sources: readonly Tensor[], make: () => Tensor) => Tensor;

/** Computes every time (training and plain forward passes). */
export const deriveEveryTime: DeriveWeight = (_key, _sources, make) => make();

/** The cache's reuse when there is a cache, else {@link deriveEveryTime}. */
export function deriveFor(cache: KvCache | undefined): DeriveWeight {
  return cache ? (key, sources, make) => cache.derived(key, sources, make) : deriveEveryTime;
}

/** A model's weights looked up by HF name, in internal layout. */
export type WeightLookup = (name: string) => Tensor;

/** An architecture bound to one model's config and weights. */
export interface Decoder {
  /** Final-norm hidden states, (B·T, D). */
  hidden(inputs: DecoderInputs): Tensor2D;
  /** The unembedding in [D, V] layout (a transpose of the tied embedding, or lm_head). */
  head(derive?: DeriveWeight): Tensor2D;
  /** Frees the decoder's constant tensors (not the weights, which the model owns). */
  dispose(): void;
}

export interface Architecture {
  /** Every weight of a model with this config, in a stable order. */
  weightSpecs(config: ModelConfig): WeightSpec[];
  /** True when positions index a learned table of `maxPositions` rows (a hard length limit). */
  readonly learnedPositions: boolean;
  /** Tensor names in checkpoints that are buffers, not weights (skipped when loading). */
  readonly ignoredTensors: RegExp;
  /** Checkpoint names mapped to ours (e.g. GPT-2 files without the `transformer.` prefix). */
  canonicalName(name: string): string;
  decoder(config: ModelConfig, weight: WeightLookup): Decoder;
}
