/**
 * GPT-2 (Radford et al. 2019) as Hugging Face `GPT2LMHeadModel` stores it: pre-LayerNorm blocks,
 * learned positions, fused q/k/v `Conv1D` (weights already [in, out]), gelu_new MLP, head tied to
 * `transformer.wte` unless `tie_word_embeddings` is false (transformers modeling_gpt2.py).
 */
import { tf, type Tensor1D, type Tensor2D, type Tensor4D } from '@prefstream/core';
import type { ModelConfig } from '../config/model-config.js';
import { activation } from '../internal/activations.js';
import { attention } from '../internal/attention.js';
import { linear } from '../internal/linear.js';
import { layerNorm } from '../internal/norms.js';
import { deriveEveryTime, type Architecture, type Decoder, type DecoderInputs, type WeightLookup, type WeightSpec } from './architecture.js';

const P = 'transformer.';

function weightSpecs(c: ModelConfig): WeightSpec[] {
  const D = c.hiddenSize;
  const F = c.intermediateSize;
  const std = 0.02; // initializer_range
  const projStd = std / Math.sqrt(2 * c.numLayers); // GPT2PreTrainedModel._init_weights: c_proj scaled by 1/√(2L)
  const w = (name: string, hfShape: number[], init: WeightSpec['init']): WeightSpec => ({ name, hfShape, transposed: false, init });
  const specs = [w(`${P}wte.weight`, [c.vocabSize, D], { normal: std }), w(`${P}wpe.weight`, [c.maxPositions, D], { normal: std })];
  for (let i = 0; i < c.numLayers; i++) {
    const h = `${P}h.${i}.`;
    specs.push(
      w(`${h}ln_1.weight`, [D], 'ones'),
      w(`${h}ln_1.bias`, [D], 'zeros'),
      w(`${h}attn.c_attn.weight`, [D, 3 * D], { normal: std }),
      w(`${h}attn.c_attn.bias`, [3 * D], 'zeros'),
      w(`${h}attn.c_proj.weight`, [D, D], { normal: projStd }),
      w(`${h}attn.c_proj.bias`, [D], 'zeros'),
      w(`${h}ln_2.weight`, [D], 'ones'),
      w(`${h}ln_2.bias`, [D], 'zeros'),
      w(`${h}mlp.c_fc.weight`, [D, F], { normal: std }),
      w(`${h}mlp.c_fc.bias`, [F], 'zeros'),
      w(`${h}mlp.c_proj.weight`, [F, D], { normal: projStd }),
      w(`${h}mlp.c_proj.bias`, [D], 'zeros'),
    );
  }
  specs.push(w(`${P}ln_f.weight`, [D], 'ones'), w(`${P}ln_f.bias`, [D], 'zeros'));
  // nn.Linear(D, V, bias=False): [out, in] in the file.
  if (!c.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', hfShape: [c.vocabSize, D], transposed: true, init: { normal: std } });
  return specs;
}

function decoder(c: ModelConfig, weight: WeightLookup): Decoder {
  const act = activation(c.activation);
  const W = (name: string) => weight(name) as Tensor2D;
  const b = (name: string) => weight(name) as Tensor1D;
  const { numHeads: H, headDim: hd, hiddenSize: D } = c;

  function block(i: number, x: Tensor2D, inputs: DecoderInputs, B: number, T: number): Tensor2D {
    const h = `${P}h.${i}.`;
    const a = layerNorm(x, b(`${h}ln_1.weight`), b(`${h}ln_1.bias`), c.normEps); // (B·T, D)
    // Split the fused c_attn weight (D, 3D), not its (B·T, 3D) output: the weight is the smaller
    // tensor, and each projection then lands in head layout with one 4-D transpose. Decoding
    // reuses the pieces across steps (KvCache.derived); training splits in the tape every call.
    const wAttn = W(`${h}attn.c_attn.weight`);
    const bAttn = b(`${h}attn.c_attn.bias`);
    const cache = inputs.cache;
    const parts = cache
      ? [0, 1, 2]
          .map((j) => cache.derived(`${h}w${j}`, [wAttn], () => tf.slice(wAttn, [0, j * D], [D, D]))) // (D, D)
          .concat([0, 1, 2].map((j) => cache.derived(`${h}b${j}`, [bAttn], () => tf.slice(bAttn, [j * D], [D])))) // (D,)
      : [...tf.split(wAttn, 3, 1), ...tf.split(bAttn, 3)];
    const [wq, wk, wv, bq, bk, bv] = parts as [Tensor2D, Tensor2D, Tensor2D, Tensor1D, Tensor1D, Tensor1D];
    const heads = (w: Tensor2D, bias: Tensor1D) => tf.transpose(tf.reshape(linear(a, w, bias), [B, T, H, hd]), [0, 2, 1, 3]) as Tensor4D; // (B, H, T, hd)
    const [q, k, v] = [heads(wq, bq), heads(wk, bk), heads(wv, bv)];
    // GPT2Attention._attn: scores / √hd, and / (layer_idx + 1) with scale_attn_by_inverse_layer_idx.
    const scale = 1 / Math.sqrt(hd) / (c.scaleAttnByInverseLayerIdx ? i + 1 : 1);
    const att = attention({ q: tf.mul(q, scale), k, v, bias: inputs.bias, cache: cache ? { cache, layer: i } : undefined }); // (B·T, D)
    const x1 = tf.add<Tensor2D>(x, linear(att, W(`${h}attn.c_proj.weight`), b(`${h}attn.c_proj.bias`))); // (B·T, D)
    const m = layerNorm(x1, b(`${h}ln_2.weight`), b(`${h}ln_2.bias`), c.normEps); // (B·T, D)
    const up = act(linear(m, W(`${h}mlp.c_fc.weight`), b(`${h}mlp.c_fc.bias`))); // (B·T, F)
    return tf.add<Tensor2D>(x1, linear(up, W(`${h}mlp.c_proj.weight`), b(`${h}mlp.c_proj.bias`))); // (B·T, D)
  }

  return {
    hidden(inputs) {
      const [B, T] = inputs.ids.shape;
      const tok = tf.gather<Tensor2D>(W(`${P}wte.weight`), tf.reshape(inputs.ids, [B * T])); // (B·T, D)
      const pos = tf.gather<Tensor2D>(W(`${P}wpe.weight`), tf.reshape(inputs.positions, [B * T])); // (B·T, D)
      let x = tf.add(tok, pos) as Tensor2D; // (B·T, D)
      for (let i = 0; i < c.numLayers; i++) x = block(i, x, inputs, B, T);
      return layerNorm(x, b(`${P}ln_f.weight`), b(`${P}ln_f.bias`), c.normEps); // (B·T, D)
    },
    head: (derive = deriveEveryTime) => {
      if (!c.tieWordEmbeddings) return W('lm_head.weight'); // (D, V)
      const wte = W(`${P}wte.weight`);
      return derive('head', [wte], () => tf.transpose(wte)) as Tensor2D; // (D, V)
    },
    dispose: () => undefined,
  };
}

export const gpt2: Architecture = {
  weightSpecs,
  learnedPositions: true,
  // attn.bias / attn.masked_bias: causal-mask buffers older transformers versions saved.
  ignoredTensors: /\.attn\.(masked_)?bias$/,
  canonicalName: (name) => (name.startsWith(P) || name.startsWith('lm_head.') ? name : P + name),
  decoder,
};
