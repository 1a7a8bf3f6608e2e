/**
 * A small GPT-style transformer written with every op a training step of ours uses — gather
 * embedding, LayerNorm and RMSNorm, RoPE by slicing and concat, masked causal attention with
 * softmax, sigmoid-GELU, tied output head (transposed matmul), cross-entropy via logSoftmax with
 * both a gather and a oneHot label pick — so running its forward+backward on a backend exercises
 * the kernels that backend needs for training. Test and bench support; not exported.
 */
import { tf } from '../../backend/tf.js';
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { createRng } from '../../rng/rng.js';

/** Sizes of the test transformer. */
export interface TinyConfig {
  vocab: number; // V
  dim: number; // D
  heads: number; // H
  layers: number; // L (even layers use LayerNorm, odd ones RMSNorm)
  batch: number; // B
  seq: number; // T
}

/** Weights as plain arrays, so the same model can be built on any backend. */
export type TinyWeights = Record<string, { shape: number[]; values: Float32Array }>;

/** Seeded weights and inputs; `mask` pads the tail of every other row. */
export function tinyWeights(cfg: TinyConfig, seed: number): TinyWeights {
  const rng = createRng(seed);
  const w: TinyWeights = {};
  const init = (name: string, shape: number[], scale: number, offset = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = offset + scale * rng.normal();
    w[name] = { shape, values };
  };
  const { vocab: V, dim: D } = cfg;
  init('wte', [V, D], 0.3);
  for (let l = 0; l < cfg.layers; l++) {
    init(`h${l}.norm1`, [D], 0.1, 1);
    if (l % 2 === 0) init(`h${l}.norm1b`, [D], 0.1); // LayerNorm bias; RMSNorm layers have none
    init(`h${l}.qkv`, [D, 3 * D], 1 / Math.sqrt(D));
    init(`h${l}.proj`, [D, D], 1 / Math.sqrt(D));
    init(`h${l}.norm2`, [D], 0.1, 1);
    if (l % 2 === 0) init(`h${l}.norm2b`, [D], 0.1);
    init(`h${l}.fc`, [D, 4 * D], 1 / Math.sqrt(D));
    init(`h${l}.fcb`, [4 * D], 0.1);
    init(`h${l}.out`, [4 * D, D], 1 / Math.sqrt(4 * D));
  }
  init('lnf', [D], 0.1, 1);
  return w;
}

/** Token ids (B, T) and a padding mask (B, T): rows with odd index lose their last 2 tokens. */
export function tinyBatch(cfg: TinyConfig, seed: number): { ids: Int32Array; mask: Float32Array } {
  const rng = createRng(seed);
  const ids = new Int32Array(cfg.batch * cfg.seq);
  const mask = new Float32Array(cfg.batch * cfg.seq);
  for (let b = 0; b < cfg.batch; b++) {
    for (let t = 0; t < cfg.seq; t++) {
      ids[b * cfg.seq + t] = rng.int(cfg.vocab);
      mask[b * cfg.seq + t] = b % 2 === 1 && t >= cfg.seq - 2 ? 0 : 1;
    }
  }
  return { ids, mask };
}

const layerNorm = (x: Tensor, g: Tensor, b: Tensor) => {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-5))), g), b);
};

const rmsNorm = (x: Tensor, g: Tensor) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), g);

// GELU, tanh form rewritten as x·σ(2u) with u = √(2/π)(x + 0.044715x³); 2√(2/π) = 1.5957691.
const gelu = (x: Tensor) => tf.mul(x, tf.sigmoid(tf.mul(tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))), 1.5957691)));

/** RoPE, rotate-half form (GPT-NeoX / Llama): x·cos + [−x₂, x₁]·sin over the head dim. */
function rope(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const half = x.shape[3]! / 2;
  const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
  const x2 = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
  return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], 3), sin));
}

function ropeTables(T: number, dh: number): { cos: Tensor; sin: Tensor } {
  const half = dh / 2;
  const cos = new Float32Array(T * dh);
  const sin = new Float32Array(T * dh);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < dh; i++) {
      const angle = t / Math.pow(10000, (2 * (i % half)) / dh);
      cos[t * dh + i] = Math.cos(angle);
      sin[t * dh + i] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor4d(cos, [1, 1, T, dh]), sin: tf.tensor4d(sin, [1, 1, T, dh]) };
}

/** Mean next-token cross-entropy over unmasked positions; call inside tf.variableGrads. */
export function tinyLoss(cfg: TinyConfig, v: Record<string, Variable>, ids: Int32Array, mask: Float32Array): Tensor {
  const { batch: B, seq: T, dim: D, heads: H, vocab: V } = cfg;
  const dh = D / H;
  const idT = tf.tensor2d(ids, [B, T], 'int32');
  const maskT = tf.tensor2d(mask, [B, T]);
  let x = tf.gather(v.wte!, idT); // (B, T, D)
  const { cos, sin } = ropeTables(T, dh);
  // (B, 1, T, T): key s visible from query t iff s ≤ t and s is not padding.
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const visible = tf.greater(tf.mul(tf.reshape(causal, [1, 1, T, T]), tf.reshape(maskT, [B, 1, 1, T])), 0);
  for (let l = 0; l < cfg.layers; l++) {
    const p = (n: string) => v[`h${l}.${n}`]!;
    const h = l % 2 === 0 ? layerNorm(x, p('norm1'), p('norm1b')) : rmsNorm(x, p('norm1'));
    const qkv = tf.reshape(tf.matMul(tf.reshape(h, [B * T, D]), p('qkv')), [B, T, 3, H, dh]);
    const part = (i: number) => tf.transpose(tf.reshape(tf.slice(qkv, [0, 0, i, 0, 0], [-1, -1, 1, -1, -1]), [B, T, H, dh]), [0, 2, 1, 3]);
    const q = rope(part(0), cos, sin); // (B, H, T, dh)
    const k = rope(part(1), cos, sin);
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)); // (B, H, T, T)
    const probs = tf.softmax(tf.where(visible, scores, tf.fill(scores.shape, -1e9)));
    const att = tf.transpose(tf.matMul(probs, part(2)), [0, 2, 1, 3]); // (B, T, H, dh)
    x = tf.add(x, tf.reshape(tf.matMul(tf.reshape(att, [B * T, D]), p('proj')), [B, T, D]));
    const h2 = l % 2 === 0 ? layerNorm(x, p('norm2'), p('norm2b')) : rmsNorm(x, p('norm2'));
    const ff = gelu(tf.add(tf.matMul(tf.reshape(h2, [B * T, D]), p('fc')), p('fcb')));
    x = tf.add(x, tf.reshape(tf.matMul(ff, p('out')), [B, T, D]));
  }
  const hf = rmsNorm(x, v.lnf!);
  const logits = tf.matMul(tf.reshape(hf, [B * T, D]), v.wte!, false, true); // (B·T, V), tied head
  const logp = tf.logSoftmax(logits); // (B·T, V)
  // Labels: token t+1 predicts nothing past the end; position T−1 is masked out below.
  const labels = tf.concat([tf.slice(idT, [0, 1], [-1, -1]), tf.zeros([B, 1], 'int32')], 1); // (B, T)
  const flatLabels = tf.reshape(labels, [B * T]);
  const viaOneHot = tf.sum(tf.mul(logp, tf.oneHot(flatLabels, V)), -1); // (B·T,)
  const flatIdx = tf.add(tf.mul(tf.range(0, B * T, 1, 'int32'), tf.scalar(V, 'int32')), flatLabels);
  const viaGather = tf.gather(tf.reshape(logp, [B * T * V]), flatIdx); // (B·T,)
  const lossMask = tf.reshape(tf.mul(maskT, tf.concat([tf.ones([B, T - 1]), tf.zeros([B, 1])], 1)), [B * T]);
  const nll = tf.neg(tf.mul(tf.add(viaOneHot, viaGather), 0.5));
  return tf.div(tf.sum(tf.mul(nll, lossMask)), tf.sum(lossMask));
}

/** Loss and gradients of every weight on the current backend, as plain arrays. Leaves no tensors. */
export function tinyStep(cfg: TinyConfig, weights: TinyWeights, ids: Int32Array, mask: Float32Array): { loss: number; grads: Record<string, Float32Array> } {
  const vars: Record<string, Variable> = {};
  for (const [name, { shape, values }] of Object.entries(weights)) {
    const initial = tf.tensor(values, shape);
    vars[name] = tf.variable(initial, true, name);
    initial.dispose();
  }
  try {
    const { value, grads } = tf.variableGrads(() => tinyLoss(cfg, vars, ids, mask) as tf.Scalar, Object.values(vars));
    const out: Record<string, Float32Array> = {};
    for (const [name, g] of Object.entries(grads)) out[name] = g.dataSync() as Float32Array;
    const loss = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, grads: out };
  } finally {
    tf.dispose(Object.values(vars));
  }
}
