/**
 * Per-sequence normalization of C-RLFT weights (spec §6): each message's per-token weight is
 * divided by the number of its tokens, so a message contributes its weight once, whatever its length.
 */

/**
 * @param weights (B·T) row-major, ≥ 0.
 * @param segmentIds (B·T) optional message ids; by default a message is a maximal run of equal
 *   non-zero weight within one row.
 * @returns (B·T) normalized weights (0 stays 0).
 */
export function segmentNormalizedWeights(weights: ArrayLike<number>, B: number, T: number, segmentIds?: Int32Array): Float32Array {
  const out = new Float32Array(B * T);
  if (segmentIds !== undefined && segmentIds.length !== B * T) throw new Error(`segmentIds: ${segmentIds.length} ids for a (${B}, ${T}) batch`);
  for (let b = 0; b < B; b++) {
    const row = b * T;
    const segmentOf = (t: number) => (segmentIds ? segmentIds[row + t]! : -1);
    let t = 0;
    while (t < T) {
      const w = weights[row + t]!;
      if (w === 0) {
        t++;
        continue;
      }
      // extend the run: same explicit segment id, or (default) same weight with no gap
      let end = t + 1;
      while (end < T && weights[row + end] !== 0 && (segmentIds ? segmentOf(end) === segmentOf(t) : weights[row + end] === w)) end++;
      for (let i = t; i < end; i++) out[row + i] = weights[row + i]! / (end - t);
      t = end;
    }
  }
  return out;
}
