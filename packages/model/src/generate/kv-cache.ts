/**
 * Keys and values of past positions, per layer, for incremental decoding. The cache owns its
 * tensors: `update` swaps in the new ones (kept outside any tidy scope) and disposes the old.
 */
import { tf, type Tensor, type Tensor4D } from '@prefstream/core';

export interface LayerKv {
  /** (B, Hkv, S, hd) */
  readonly k: Tensor4D;
  /** (B, Hkv, S, hd) */
  readonly v: Tensor4D;
}

/**
 * Per-layer keys and values of the positions decoded so far, plus tensors derived from weights
 * that decoding reuses. @owns every tensor it holds; `dispose()` frees them.
 * @example
 * const cache = new KvCache(model.config.numLayers);
 * try { const logits = tf.tidy(() => model.decodeStep({ ids, keyMask, positions, cache })); cache.commit(); } finally { cache.dispose(); }
 */
export class KvCache {
  private layers: (LayerKv | undefined)[];
  private pending: (LayerKv | undefined)[];
  /** Tensors derived from weights (a transposed head, split projections), reused across steps. */
  private readonly derivedWeights = new Map<string, { sources: readonly object[]; tensor: Tensor }>();

  constructor(numLayers: number) {
    this.layers = new Array<LayerKv | undefined>(numLayers).fill(undefined);
    this.pending = new Array<LayerKv | undefined>(numLayers).fill(undefined);
  }

  /** Keys/values of layer `i` so far (undefined before the first step). @borrows */
  past(i: number): LayerKv | undefined {
    return this.layers[i];
  }

  /** Length S of the cached sequence. */
  get length(): number {
    return this.layers[0]?.k.shape[2] ?? 0;
  }

  /** Records layer i's keys/values including the current step (kept until `commit`). */
  stage(i: number, kv: LayerKv): void {
    this.pending[i] = { k: tf.keep(kv.k), v: tf.keep(kv.v) };
  }

  /** Makes the staged tensors current and disposes the previous ones. */
  commit(): void {
    for (let i = 0; i < this.layers.length; i++) {
      const next = this.pending[i];
      if (!next) continue;
      const old = this.layers[i];
      if (old) tf.dispose([old.k, old.v]);
      this.layers[i] = next;
      this.pending[i] = undefined;
    }
  }

  /** Keeps only the given batch rows (finished sequences leave the batch). */
  select(rows: readonly number[]): void {
    const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
    try {
      this.layers = this.layers.map((kv) => {
        if (!kv) return kv;
        const next = { k: tf.keep(tf.gather(kv.k, idx, 0)), v: tf.keep(tf.gather(kv.v, idx, 0)) };
        tf.dispose([kv.k, kv.v]);
        return next;
      });
    } finally {
      idx.dispose();
    }
  }

  /**
   * A tensor computed from weights by `make`, reused while `sources` keep their data (a variable's
   * data changes identity on `assign`). Decoding never takes gradients, so the result need not be
   * connected to the weights; reusing it also lets XNNPACK reuse the weights it packed for it.
   * @returns a tensor the cache owns (disposed with it). @borrows sources
   */
  derived(key: string, sources: readonly Tensor[], make: () => Tensor): Tensor {
    const ids = sources.map((t) => t.dataId);
    const hit = this.derivedWeights.get(key);
    if (hit && hit.sources.length === ids.length && hit.sources.every((id, i) => id === ids[i])) return hit.tensor;
    const tensor = tf.keep(make());
    if (hit) hit.tensor.dispose();
    this.derivedWeights.set(key, { sources: ids, tensor });
    return tensor;
  }

  dispose(): void {
    for (const { tensor } of this.derivedWeights.values()) tensor.dispose();
    this.derivedWeights.clear();
    for (const kv of [...this.layers, ...this.pending]) if (kv) tf.dispose([kv.k, kv.v]);
    this.layers.fill(undefined);
    this.pending.fill(undefined);
  }
}
