/**
 * Column names of the PPO rollout (one value per completion token, List<Float32>) and the
 * per-row (b, t) layout shared by the rollout and the loss: completion tokens in packed order.
 */
import type { PackedBatch } from '@prefstream/model';

/** V_old(s_t) per completion token, from the rollout's value head. */
export const PPO_VALUES = 'ppo_values';
/** Whitened GAE advantages per completion token. */
export const PPO_ADVANTAGES = 'ppo_advantages';
/** GAE returns `A_t + V_old(s_t)` per completion token (targets of the value loss). */
export const PPO_RETURNS = 'ppo_returns';

/** Positions (b·T + t) of each row's completion tokens in a packed batch, in token order. */
export function completionPositions(packed: PackedBatch): Int32Array[] {
  const { batchSize: B, seqLen: T, completionMask } = packed;
  return Array.from({ length: B }, (_, b) => {
    const out: number[] = [];
    for (let t = 0; t < T; t++) if (completionMask[b * T + t]) out.push(b * T + t);
    return Int32Array.from(out);
  });
}

/** Per-row token lists, scattered into a (B·T) array at the completion positions (0 elsewhere). */
export function scatterRows(lists: readonly ArrayLike<number>[], positions: readonly Int32Array[], size: number, column: string): Float32Array {
  const out = new Float32Array(size);
  lists.forEach((list, b) => {
    const at = positions[b]!;
    if (list.length !== at.length) throw new Error(`column "${column}" row ${b}: ${list.length} values for ${at.length} completion tokens (same maxLength everywhere?)`);
    for (let i = 0; i < at.length; i++) out[at[i]!] = list[i]!;
  });
  return out;
}

/** The (B·T) values at each row's completion positions, as one list per row. */
export function gatherRows(flat: ArrayLike<number>, positions: readonly Int32Array[]): Float32Array[] {
  return positions.map((at) => Float32Array.from(at, (i) => flat[i]!));
}
