/**
 * GPT-2 `config.json` (transformers `GPT2Config`; field names and defaults as there).
 */
import { z } from 'zod';
import { ConfigError, parseConfig } from '@prefstream/core';
import type { ModelConfig } from './model-config.js';
import { SpecialTokenFields, specialTokenIds } from './token-ids.js';

const Gpt2Json = z.looseObject({
  model_type: z.literal('gpt2'),
  vocab_size: z.number().int().positive().default(50257),
  n_positions: z.number().int().positive().default(1024),
  n_embd: z.number().int().positive().default(768),
  n_layer: z.number().int().positive().default(12),
  n_head: z.number().int().positive().default(12),
  /** null → 4·n_embd (GPT2MLP). */
  n_inner: z.number().int().positive().nullish(),
  activation_function: z.string().default('gelu_new'),
  layer_norm_epsilon: z.number().positive().default(1e-5),
  scale_attn_weights: z.literal(true, { message: 'scale_attn_weights: false is not supported' }).default(true),
  scale_attn_by_inverse_layer_idx: z.boolean().default(false),
  tie_word_embeddings: z.boolean().default(true),
  ...SpecialTokenFields,
});

export function parseGpt2Config(json: Record<string, unknown>, where: string): ModelConfig {
  const c = parseConfig(Gpt2Json, json, where);
  if (c.n_embd % c.n_head !== 0) throw new ConfigError(where, `n_embd ${c.n_embd} is not divisible by n_head ${c.n_head}`);
  return {
    architecture: 'gpt2',
    modelType: 'gpt2',
    vocabSize: c.vocab_size,
    hiddenSize: c.n_embd,
    numLayers: c.n_layer,
    numHeads: c.n_head,
    numKvHeads: c.n_head,
    headDim: c.n_embd / c.n_head,
    intermediateSize: c.n_inner ?? 4 * c.n_embd,
    maxPositions: c.n_positions,
    tieWordEmbeddings: c.tie_word_embeddings,
    normEps: c.layer_norm_epsilon,
    activation: c.activation_function,
    ropeTheta: 0,
    qkvBias: true,
    outputBias: true,
    mlpBias: true,
    slidingWindow: undefined,
    scaleAttnByInverseLayerIdx: c.scale_attn_by_inverse_layer_idx,
    ...specialTokenIds(c),
    hf: {
      architectures: ['GPT2LMHeadModel'],
      ...json,
      vocab_size: c.vocab_size,
      n_positions: c.n_positions,
      n_embd: c.n_embd,
      n_layer: c.n_layer,
      n_head: c.n_head,
      n_inner: c.n_inner ?? null,
      activation_function: c.activation_function,
      layer_norm_epsilon: c.layer_norm_epsilon,
      tie_word_embeddings: c.tie_word_embeddings,
    },
  };
}
