/**
 * Groups the rows of one batch by `prompt_id` (DESIGN §3: all candidates of a prompt travel in
 * one batch). Columnar: one pass over the id column, row indices in typed arrays.
 */

/** Rows of a batch grouped by prompt, in order of first appearance. */
export interface PromptGroups {
  /** (G,) the distinct prompt ids, in order of first appearance. */
  readonly ids: string[];
  /** (G + 1,) group g's rows are `rows[offsets[g] .. offsets[g + 1])`. */
  readonly offsets: Int32Array;
  /** (N,) row indices, grouped; within a group in row order. */
  readonly rows: Int32Array;
}

/** Groups `promptIds` (one per row); rows of a prompt need not be contiguous. */
export function groupByPrompt(promptIds: readonly string[]): PromptGroups {
  const n = promptIds.length;
  const groupOf = new Int32Array(n);
  const index = new Map<string, number>();
  const ids: string[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = promptIds[i]!;
    let g = index.get(id);
    if (g === undefined) {
      g = ids.length;
      index.set(id, g);
      ids.push(id);
      sizes.push(0);
    }
    groupOf[i] = g;
    sizes[g]!++;
  }
  const offsets = new Int32Array(ids.length + 1);
  for (let g = 0; g < ids.length; g++) offsets[g + 1] = offsets[g]! + sizes[g]!;
  const cursor = offsets.slice(0, ids.length);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[cursor[groupOf[i]!]!++] = i;
  return { ids, offsets, rows };
}
