/**
 * Llama-family `config.json` (transformers `LlamaConfig`, `MistralConfig`, `Qwen2Config`; field
 * names and defaults as there). Qwen2 is Llama with biased q/k/v projections.
 */
import { z } from 'zod';
import { ConfigError, parseConfig } from '@prefstream/core';
import type { ArchitectureName, ModelConfig } from './model-config.js';
import { SpecialTokenFields, specialTokenIds } from './token-ids.js';

const LlamaJson = z.looseObject({
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  /** Absent → num_attention_heads (multi-head attention). */
  num_key_value_heads: z.number().int().positive().nullish(),
  head_dim: z.number().int().positive().nullish(),
  max_position_embeddings: z.number().int().positive().default(2048),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().default(10000),
  rope_scaling: z.unknown().nullish(),
  hidden_act: z.string().default('silu'),
  tie_word_embeddings: z.boolean().default(false),
  attention_bias: z.boolean().default(false),
  mlp_bias: z.boolean().default(false),
  sliding_window: z.number().int().positive().nullish(),
  /** Qwen2 applies its sliding window only when this is true. */
  use_sliding_window: z.boolean().optional(),
  ...SpecialTokenFields,
});

export function parseLlamaConfig(json: Record<string, unknown>, where: string, architecture: ArchitectureName): ModelConfig {
  const c = parseConfig(LlamaJson, json, where);
  const scaling = c.rope_scaling as { rope_type?: string; type?: string } | null | undefined;
  const ropeType = scaling?.rope_type ?? scaling?.type;
  if (scaling != null && ropeType !== 'default') {
    throw new ConfigError(where, `rope_scaling ${JSON.stringify(scaling)} is not supported (only unscaled RoPE)`);
  }
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw new ConfigError(where, `num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${numKvHeads}`);
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) throw new ConfigError(where, `head_dim ${headDim} must be an even integer (RoPE rotates pairs)`);
  const isQwen = architecture === 'qwen2';
  const windowOn = isQwen ? c.use_sliding_window === true : true;
  return {
    architecture,
    modelType: String(json.model_type),
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    intermediateSize: c.intermediate_size,
    maxPositions: c.max_position_embeddings,
    tieWordEmbeddings: c.tie_word_embeddings,
    normEps: c.rms_norm_eps,
    activation: c.hidden_act,
    ropeTheta: c.rope_theta,
    // Qwen2Attention: q/k/v Linear(bias=True), o_proj Linear(bias=False).
    qkvBias: isQwen || c.attention_bias,
    outputBias: !isQwen && c.attention_bias,
    mlpBias: !isQwen && c.mlp_bias,
    slidingWindow: windowOn ? (c.sliding_window ?? undefined) : undefined,
    scaleAttnByInverseLayerIdx: false,
    ...specialTokenIds(c),
    hf: {
      architectures: [isQwen ? 'Qwen2ForCausalLM' : json.model_type === 'mistral' ? 'MistralForCausalLM' : 'LlamaForCausalLM'],
      ...json,
      num_key_value_heads: numKvHeads,
      max_position_embeddings: c.max_position_embeddings,
      rms_norm_eps: c.rms_norm_eps,
      rope_theta: c.rope_theta,
      hidden_act: c.hidden_act,
      tie_word_embeddings: c.tie_word_embeddings,
    },
  };
}
