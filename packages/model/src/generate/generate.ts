/**
 * Batched sampling with a KV cache: prompts of different lengths are left-padded into one batch,
 * prefilled once, then decoded one token per step; rows that finish (EOS, stop string, length)
 * leave the batch and its cache. Each (prompt, sample) row draws from its own stream
 * `Rng(seed).split("p/s")`, so its output does not depend on what else is in the batch.
 */
import { Rng, tf, type Tensor2D } from '@prefstream/core';
import type { CausalLM } from '../causal-lm.js';
import type { GenerateOptions, Generation, Tokenizer } from '../policy.js';
import { KvCache } from './kv-cache.js';
import { resolveGenerateOptions, type ResolvedGenerateOptions } from './resolve-generate-options.js';
import { sampleToken } from './sample-token.js';

export interface ModelGenerateOptions extends GenerateOptions {
  /** Overrides the model's tokenizer (needed for `stop` and `completion` text). */
  tokenizer?: Tokenizer;
  /** Rows (prompts × n) decoded together; default all of them. */
  batchSize?: number;
}

interface Row {
  readonly promptIndex: number;
  readonly sampleIndex: number;
  readonly prompt: readonly number[];
  readonly rng: Rng;
  readonly ids: number[];
  readonly logps: number[];
  finishReason?: Generation['finishReason'];
  /** Text cut before the stop string, when one matched. */
  stopText?: string;
}

/** @see CausalLM.generate */
export async function generate(model: CausalLM, prompts: readonly (readonly number[])[], options: ModelGenerateOptions): Promise<Generation[]> {
  const o = resolveGenerateOptions(model, prompts, options);
  const base = new Rng(o.seed);
  const rows: Row[] = [];
  prompts.forEach((prompt, p) => {
    for (let s = 0; s < o.n; s++) rows.push({ promptIndex: p, sampleIndex: s, prompt, rng: base.split(`${p}/${s}`), ids: [], logps: [] });
  });
  for (let i = 0; i < rows.length; i += o.batchSize) await decodeRows(model, rows.slice(i, i + o.batchSize), o);
  return rows.map((r) => ({
    promptIndex: r.promptIndex,
    sampleIndex: r.sampleIndex,
    completionIds: r.ids,
    completion: r.stopText ?? (o.tokenizer ? o.tokenizer.decode(r.ids, { skipSpecialTokens: true }) : ''),
    tokenLogps: r.logps,
    finishReason: r.finishReason ?? 'length',
  }));
}

/** Decodes one batch of rows to completion, filling their ids, log-probs and finish reasons. */
async function decodeRows(model: CausalLM, rows: Row[], o: ResolvedGenerateOptions): Promise<void> {
  const cache = new KvCache(model.config.numLayers);
  let logits: Tensor2D | undefined;
  try {
    const T = Math.max(...rows.map((r) => r.prompt.length));
    const ids = new Int32Array(rows.length * T).fill(o.padTokenId);
    const mask = new Int32Array(rows.length * T);
    const positions = new Int32Array(rows.length * T);
    rows.forEach((r, b) => {
      const start = b * T + T - r.prompt.length; // left padding
      ids.set(r.prompt, start);
      mask.fill(1, start, (b + 1) * T);
      for (let t = 0; t < r.prompt.length; t++) positions[start + t] = t;
    });
    let active = rows.map((_, b) => b);
    let masks = rows.map((_, b) => Array.from(mask.subarray(b * T, (b + 1) * T)));
    logits = step(model, cache, ids, [rows.length, T], masks, positions);
    for (let t = 0; ; t++) {
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      logits = undefined;
      const V = model.config.vocabSize;
      const next: number[] = [];
      active.forEach((b, i) => {
        const row = rows[b]!;
        const { token, logp } = sampleToken(values.subarray(i * V, (i + 1) * V), o.sampling, row.rng);
        row.ids.push(token);
        row.logps.push(logp);
        if (o.eosTokenIds.includes(token)) row.finishReason = 'eos';
        else if (o.stop.length && matchStop(row, o)) row.finishReason = 'stop';
        else if (row.ids.length >= o.maxNewTokens) row.finishReason = 'length';
        if (!row.finishReason) next.push(i);
      });
      if (!next.length) return;
      if (next.length < active.length) {
        cache.select(next);
        masks = next.map((i) => masks[i]!);
        active = next.map((i) => active[i]!);
      }
      masks = masks.map((m) => [...m, 1]);
      const stepIds = Int32Array.from(active, (b) => rows[b]!.ids.at(-1)!);
      const stepPositions = Int32Array.from(active, (b) => rows[b]!.prompt.length + rows[b]!.ids.length - 1);
      logits = step(model, cache, stepIds, [active.length, 1], masks, stepPositions);
    }
  } finally {
    logits?.dispose();
    cache.dispose();
  }
}

/** Runs one decoder call and commits the cache. @returns (B, V) logits the caller disposes. */
function step(model: CausalLM, cache: KvCache, ids: Int32Array, shape: [number, number], masks: number[][], positions: Int32Array): Tensor2D {
  const out = tf.tidy(() =>
    model.decodeStep({
      ids: tf.tensor2d(ids, shape, 'int32'),
      keyMask: tf.tensor2d(masks.flat(), [masks.length, masks[0]!.length], 'int32'),
      positions: tf.tensor2d(positions, shape, 'int32'),
      cache,
    }),
  );
  cache.commit();
  return out;
}

/** True when the decoded completion contains a stop string; records the text before it. */
function matchStop(row: Row, o: ResolvedGenerateOptions): boolean {
  const text = o.tokenizer!.decode(row.ids, { skipSpecialTokens: true });
  let cut = -1;
  for (const s of o.stop) {
    const at = text.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut < 0) return false;
  row.stopText = text.slice(0, cut);
  return true;
}
