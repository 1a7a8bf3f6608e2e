/**
 * Llama (Touvron et al. 2023) as Hugging Face `LlamaForCausalLM` stores it — and Mistral and
 * Qwen2, which differ only in config: pre-RMSNorm blocks, rotary positions (rotate-half), grouped
 * query attention, SwiGLU MLP down(silu(gate(x))·up(x)), optional q/k/v (Qwen2) and o/MLP biases
 * (transformers modeling_llama.py, modeling_qwen2.py). Files hold nn.Linear weights [out, in];
 * the model holds them transposed ([in, out]) so every product is a plain 2-D one.
 */
import { tf, type Tensor1D, type Tensor2D, type Tensor3D, type Tensor4D } from '@prefstream/core';
import type { ModelConfig } from '../config/model-config.js';
import { activation } from '../internal/activations.js';
import { attention } from '../internal/attention.js';
import { linear } from '../internal/linear.js';
import { rmsNorm } from '../internal/norms.js';
import { applyRope, ropeAngles, ropeConstants } from '../internal/rope.js';
import { deriveEveryTime, type Architecture, type Decoder, type WeightLookup, type WeightSpec } from './architecture.js';

function weightSpecs(c: ModelConfig): WeightSpec[] {
  const { hiddenSize: D, intermediateSize: F, headDim: hd } = c;
  const std = typeof c.hf.initializer_range === 'number' ? c.hf.initializer_range : 0.02;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', hfShape: [c.vocabSize, D], transposed: false, init: { normal: std } }];
  const linearSpecs = (name: string, out: number, inp: number, bias: boolean): WeightSpec[] => [
    { name: `${name}.weight`, hfShape: [out, inp], transposed: true, init: { normal: std } },
    ...(bias ? [{ name: `${name}.bias`, hfShape: [out], transposed: false, init: 'zeros' as const }] : []),
  ];
  for (let i = 0; i < c.numLayers; i++) {
    const l = `model.layers.${i}.`;
    specs.push(
      { name: `${l}input_layernorm.weight`, hfShape: [D], transposed: false, init: 'ones' },
      ...linearSpecs(`${l}self_attn.q_proj`, c.numHeads * hd, D, c.qkvBias),
      ...linearSpecs(`${l}self_attn.k_proj`, c.numKvHeads * hd, D, c.qkvBias),
      ...linearSpecs(`${l}self_attn.v_proj`, c.numKvHeads * hd, D, c.qkvBias),
      ...linearSpecs(`${l}self_attn.o_proj`, D, c.numHeads * hd, c.outputBias),
      { name: `${l}post_attention_layernorm.weight`, hfShape: [D], transposed: false, init: 'ones' },
      ...linearSpecs(`${l}mlp.gate_proj`, F, D, c.mlpBias),
      ...linearSpecs(`${l}mlp.up_proj`, F, D, c.mlpBias),
      ...linearSpecs(`${l}mlp.down_proj`, D, F, c.mlpBias),
    );
  }
  specs.push({ name: 'model.norm.weight', hfShape: [D], transposed: false, init: 'ones' });
  if (!c.tieWordEmbeddings) specs.push(...linearSpecs('lm_head', c.vocabSize, D, false));
  return specs;
}

function decoder(c: ModelConfig, weight: WeightLookup): Decoder {
  const act = activation(c.activation);
  const rope = ropeConstants(c.headDim, c.ropeTheta);
  const { numHeads: H, numKvHeads: Hkv, headDim: hd } = c;
  const W = (name: string) => weight(name) as Tensor2D;
  const proj = (x: Tensor2D, name: string, hasBias: boolean) =>
    linear(x, W(`${name}.weight`), hasBias ? (weight(`${name}.bias`) as Tensor1D) : undefined);

  /** (B·T, heads·hd) → rotated (B, heads, T, hd). */
  const toHeads = (x: Tensor2D, B: number, T: number, heads: number, angles?: { cos: Tensor3D; sin: Tensor3D }): Tensor4D => {
    const rows = tf.reshape(x, [B * T, heads, hd]) as Tensor3D; // (B·T, heads, hd)
    const rotated = angles ? applyRope(rows, angles, rope) : rows; // (B·T, heads, hd)
    return tf.transpose(tf.reshape(rotated, [B, T, heads, hd]), [0, 2, 1, 3]); // (B, heads, T, hd)
  };

  return {
    hidden(inputs) {
      const [B, T] = inputs.ids.shape;
      const angles = ropeAngles(inputs.positions, rope); // cos, sin: (B·T, 1, hd)
      const scale = 1 / Math.sqrt(hd); // LlamaAttention.scaling = head_dim^−0.5, folded into q's rotation
      const qAngles = { cos: tf.mul(angles.cos, scale) as Tensor3D, sin: tf.mul(angles.sin, scale) as Tensor3D };
      let x = tf.gather(W('model.embed_tokens.weight'), tf.reshape(inputs.ids, [B * T])) as Tensor2D; // (B·T, D)
      for (let i = 0; i < c.numLayers; i++) {
        const l = `model.layers.${i}.`;
        const a = rmsNorm(x, weight(`${l}input_layernorm.weight`) as Tensor1D, c.normEps); // (B·T, D)
        const q = toHeads(proj(a, `${l}self_attn.q_proj`, c.qkvBias), B, T, H, qAngles); // (B, H, T, hd), scaled
        const k = toHeads(proj(a, `${l}self_attn.k_proj`, c.qkvBias), B, T, Hkv, angles); // (B, Hkv, T, hd)
        const v = toHeads(proj(a, `${l}self_attn.v_proj`, c.qkvBias), B, T, Hkv); // (B, Hkv, T, hd)
        const cache = inputs.cache ? { cache: inputs.cache, layer: i } : undefined;
        const att = attention({ q, k, v, bias: inputs.bias, cache }); // (B·T, H·hd)
        x = tf.add<Tensor2D>(x, proj(att, `${l}self_attn.o_proj`, c.outputBias)); // (B·T, D)
        const m = rmsNorm(x, weight(`${l}post_attention_layernorm.weight`) as Tensor1D, c.normEps); // (B·T, D)
        const gated = tf.mul<Tensor2D>(act(proj(m, `${l}mlp.gate_proj`, c.mlpBias)), proj(m, `${l}mlp.up_proj`, c.mlpBias)); // (B·T, F)
        x = tf.add<Tensor2D>(x, proj(gated, `${l}mlp.down_proj`, c.mlpBias)); // (B·T, D)
      }
      return rmsNorm(x, weight('model.norm.weight') as Tensor1D, c.normEps); // (B·T, D)
    },
    head: (derive = deriveEveryTime) => {
      if (!c.tieWordEmbeddings) return W('lm_head.weight'); // (D, V)
      const embed = W('model.embed_tokens.weight');
      return derive('head', [embed], () => tf.transpose(embed)) as Tensor2D; // (D, V)
    },
    dispose: () => tf.dispose([rope.invFreq, rope.rotate, rope.rotateT]),
  };
}

export const llama: Architecture = {
  weightSpecs,
  learnedPositions: false,
  ignoredTensors: /\.rotary_emb\.inv_freq$/,
  canonicalName: (name) => name,
  decoder,
};
