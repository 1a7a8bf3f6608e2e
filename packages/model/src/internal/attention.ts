/**
 * Scaled dot-product attention with grouped-query heads and an optional KV cache
 * (Vaswani et al. 2017 Eq. 1; GQA: Ainslie et al. 2023 — HF `repeat_kv` semantics, query head h
 * reads key/value head ⌊h / G⌋ with G = H / Hkv, here without materializing the repeats).
 */
import { tf, type Tensor2D, type Tensor4D } from '@prefstream/core';
import type { KvCache } from '../generate/kv-cache.js';

export interface AttentionInputs {
  /** (B, H, T, hd), already multiplied by the score scale. */
  q: Tensor4D;
  /** (B, Hkv, T, hd) keys of the current tokens. */
  k: Tensor4D;
  /** (B, Hkv, T, hd) */
  v: Tensor4D;
  /** (B or 1, 1, T, S) additive bias over all S = past + T keys. */
  bias: Tensor4D;
  cache?: { cache: KvCache; layer: number } | undefined;
}

/** @returns (B·T, H·hd) the heads' outputs side by side, ready for the output projection. */
export function attention({ q, k, v, bias, cache }: AttentionInputs): Tensor2D {
  const [B, H, T, hd] = q.shape;
  const Hkv = k.shape[1];
  const G = H / Hkv;
  const past = cache?.cache.past(cache.layer);
  const keys = past ? tf.concat([past.k, k], 2) : k; // (B, Hkv, S, hd)
  const values = past ? tf.concat([past.v, v], 2) : v; // (B, Hkv, S, hd)
  if (cache) cache.cache.stage(cache.layer, { k: keys, v: values });
  const S = keys.shape[2];
  const qg = tf.reshape(q, [B, Hkv, G * T, hd]); // (B, Hkv, G·T, hd): a group's queries share k/v
  const scores = tf.reshape(tf.matMul(qg, keys, false, true), [B, Hkv, G, T, S]); // (B, Hkv, G, T, S)
  const masked = tf.add(scores, tf.reshape(bias, [bias.shape[0], 1, 1, T, S])); // (B, Hkv, G, T, S)
  const probs = tf.reshape(tf.softmax(masked), [B, Hkv, G * T, S]); // (B, Hkv, G·T, S), softmax subtracts the max
  const out = tf.reshape(tf.matMul(probs, values), [B, H, T, hd]); // (B, H, T, hd)
  return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * T, H * hd]); // (B·T, H·hd)
}
