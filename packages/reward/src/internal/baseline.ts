/**
 * The baseline response y_b of RSO Eq. 7 per row: from a column, or the first candidate of the
 * row's prompt in this batch (all candidates of a prompt share a batch, DESIGN §3).
 */
import { z } from 'zod';
import type { RewardRows } from '../reward-kind.js';

export const BaselineOptions = z
  .discriminatedUnion('from', [
    /** The first row of each prompt_id in the batch is y_b (a random SFT sample when candidates are shuffled). */
    z.strictObject({ from: z.literal('first-candidate') }),
    /** y_b is given per row in a string column. */
    z.strictObject({ from: z.literal('column'), column: z.string().min(1).default('baseline') }),
  ])
  .default({ from: 'first-candidate' });
export type BaselineOptions = z.output<typeof BaselineOptions>;

export function baselineColumns(options: BaselineOptions): string[] {
  return options.from === 'column' ? [options.column] : [];
}

/** y_b for every row. */
export function baselinesOf(rows: RewardRows, options: BaselineOptions): readonly string[] {
  if (options.from === 'column') return rows.extra.get(options.column)!;
  const first = new Map<string, string>();
  rows.promptIds.forEach((id, i) => {
    if (!first.has(id)) first.set(id, rows.completions[i]!);
  });
  return rows.promptIds.map((id) => first.get(id)!);
}
