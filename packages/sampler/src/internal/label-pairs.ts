/**
 * Pairs and hard labels for one batch, columnar: run the pairing strategy per prompt, then put
 * the higher reward in `chosen`. Ties are skipped or kept (first element of the pair as chosen)
 * per the `ties` option, and counted either way.
 */
import { DataError, type Rng } from '@prefstream/core';
import { PAIRING_STRATEGIES, type PairingStrategyName } from '../pairing/pairing-strategies.js';
import type { PromptGroups } from './group-by-prompt.js';

export interface LabeledPairs {
  /** (P,) batch row of each pair's chosen candidate. */
  readonly chosenRows: Int32Array;
  /** (P,) batch row of each pair's rejected candidate. */
  readonly rejectedRows: Int32Array;
  /** Pair indices (into 0..P) that are kept ties. */
  readonly tieRows: number[];
  readonly stats: { tiesSkipped: number; tiesKept: number; promptsWithoutPairs: number; marginSum: number };
}

export function labelPairs(
  groups: PromptGroups,
  rewards: Float32Array,
  options: { strategy: PairingStrategyName; ties: 'skip' | 'keep'; rewardColumn: string },
  rngFor: (promptId: string) => Rng,
  where: string,
): LabeledPairs {
  const strategy = PAIRING_STRATEGIES[options.strategy];
  const chosen: number[] = [];
  const rejected: number[] = [];
  const tieRows: number[] = [];
  const stats = { tiesSkipped: 0, tiesKept: 0, promptsWithoutPairs: 0, marginSum: 0 };
  for (let g = 0; g < groups.ids.length; g++) {
    const start = groups.offsets[g]!;
    const end = groups.offsets[g + 1]!;
    const own = new Float32Array(end - start); // (K,)
    for (let j = start; j < end; j++) {
      const row = groups.rows[j]!;
      const r = rewards[row]!;
      if (!Number.isFinite(r)) throw new DataError({ file: where, row, field: options.rewardColumn, message: `reward of prompt "${groups.ids[g]}" is not finite (${r})` });
      own[j - start] = r;
    }
    const pairs = strategy(own, rngFor(groups.ids[g]!));
    const before = chosen.length;
    for (let p = 0; p < pairs.length; p += 2) {
      const a = groups.rows[start + pairs[p]!]!;
      const b = groups.rows[start + pairs[p + 1]!]!;
      const margin = rewards[a]! - rewards[b]!;
      if (margin === 0) {
        if (options.ties === 'skip') {
          stats.tiesSkipped++;
          continue;
        }
        stats.tiesKept++;
        tieRows.push(chosen.length);
      }
      chosen.push(margin >= 0 ? a : b);
      rejected.push(margin >= 0 ? b : a);
      stats.marginSum += Math.abs(margin);
    }
    if (chosen.length === before) stats.promptsWithoutPairs++;
  }
  return { chosenRows: Int32Array.from(chosen), rejectedRows: Int32Array.from(rejected), tieRows, stats };
}
