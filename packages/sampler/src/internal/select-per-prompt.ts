/**
 * Shared body of the per-prompt selection stages (`rejectionSample`, `bestOfN`): read the id and
 * reward columns, check DESIGN §3's one-batch-per-prompt invariant, select rows per prompt with a
 * pure typed-array function, and take the selected rows (all columns kept).
 */
import { COLUMNS, DataError, readFloat32, type Batch } from '@prefstream/core';
import { groupByPrompt } from './group-by-prompt.js';
import { takeRowsColumnar } from './take-rows-columnar.js';
import type { SeenPromptIds } from './seen-prompt-ids.js';

/** One prompt's selection, as indices into its candidates (not batch rows). */
export interface PromptSelection {
  readonly indices: Int32Array;
  readonly short: boolean;
  readonly rounds?: number;
  readonly draws?: number;
}

/** Totals over one batch, for the stage's metrics. */
export interface SelectionTotals {
  prompts: number;
  candidates: number;
  accepted: number;
  shortPrompts: number;
  rounds: number;
  draws: number;
}

export interface SelectPerPromptArgs {
  readonly stage: string;
  readonly rewardColumn: string;
  readonly seen: SeenPromptIds;
  /** Selects among one prompt's candidates. `rewards` is a fresh (K,) array. */
  readonly select: (rewards: Float32Array, promptId: string) => PromptSelection;
}

/** The selected rows of `batch` (grouped by prompt, in acceptance order) and the batch totals. */
export function selectPerPrompt(batch: Batch, args: SelectPerPromptArgs): { batch: Batch | null; totals: SelectionTotals } {
  const where = `stage ${args.stage}`;
  const groups = groupByPrompt(batch, where);
  const rewards = readFloat32(batch, args.rewardColumn, where); // (N,)
  for (let i = 0; i < rewards.length; i++) {
    if (!Number.isFinite(rewards[i]!)) {
      throw new DataError({ file: where, row: i, field: args.rewardColumn, message: `reward of prompt "${groups.ids[groups.groupOf[i]!]}" is not finite (${rewards[i]})` });
    }
  }
  for (const id of groups.ids) {
    if (args.seen.has(id)) {
      throw new DataError({
        file: where,
        field: COLUMNS.promptId,
        message: `prompt "${id}" reappears in a later batch; all candidates of a prompt must travel in one batch (DESIGN §3)`,
      });
    }
  }
  const totals: SelectionTotals = { prompts: groups.ids.length, candidates: rewards.length, accepted: 0, shortPrompts: 0, rounds: 0, draws: 0 };
  const picked = new Int32Array(rewards.length);
  let count = 0;
  for (let g = 0; g < groups.ids.length; g++) {
    const start = groups.offsets[g]!;
    const end = groups.offsets[g + 1]!;
    const own = new Float32Array(end - start); // (K,) this prompt's rewards
    for (let j = start; j < end; j++) own[j - start] = rewards[groups.rows[j]!]!;
    const selection = args.select(own, groups.ids[g]!);
    for (const k of selection.indices) picked[count++] = groups.rows[start + k]!;
    totals.accepted += selection.indices.length;
    totals.rounds += selection.rounds ?? 0;
    totals.draws += selection.draws ?? 0;
    if (selection.short) totals.shortPrompts++;
  }
  args.seen.addAll(groups.ids);
  return { batch: count === 0 ? null : takeRowsColumnar(batch, picked.subarray(0, count)), totals };
}
