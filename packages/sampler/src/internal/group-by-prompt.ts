/**
 * Groups the rows of one batch by `prompt_id` (DESIGN §3: all candidates of a prompt travel in
 * one batch). Columnar: on a plain Utf8 column it compares raw UTF-8 byte ranges with the previous
 * row and decodes only the first row of each run, so the usual layout (a prompt's candidates
 * contiguous) costs one string per prompt, not per row. Rows of a prompt need not be contiguous.
 */
import { COLUMNS, columnOf, readStrings, type Batch } from '@prefstream/core';
import { Type, type Data, type Utf8 } from 'apache-arrow';

/** Rows of a batch grouped by prompt, in order of first appearance. */
export interface PromptGroups {
  /** (G,) the distinct prompt ids, in order of first appearance. */
  readonly ids: string[];
  /** (G + 1,) group g's rows are `rows[offsets[g] .. offsets[g + 1])`. */
  readonly offsets: Int32Array;
  /** (N,) row indices, grouped; within a group in row order. */
  readonly rows: Int32Array;
  /** (N,) the group of each row (its prompt id is `ids[groupOf[row]]`). */
  readonly groupOf: Int32Array;
}

const decoder = new TextDecoder();

/** The group of every row, from the raw Utf8 buffers; null when the column is not a plain single-chunk Utf8 without nulls. */
function groupOfFromBytes(batch: Batch, ids: string[], index: Map<string, number>, where: string): Int32Array | null {
  const column = columnOf(batch, COLUMNS.promptId, where);
  if (column.type.typeId !== Type.Utf8 || column.data.length !== 1 || column.nullCount > 0) return null;
  const data = column.data[0] as Data<Utf8>;
  const offsets = data.valueOffsets; // (N + 1,) relative to this chunk's first row
  const bytes = data.values;
  const n = data.length;
  const groupOf = new Int32Array(n);
  let prevStart = -1;
  let prevEnd = -1;
  for (let i = 0; i < n; i++) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    if (i > 0 && end - start === prevEnd - prevStart) {
      let same = true;
      for (let k = 0; k < end - start; k++) {
        if (bytes[start + k] !== bytes[prevStart + k]) {
          same = false;
          break;
        }
      }
      if (same) {
        groupOf[i] = groupOf[i - 1]!;
        prevStart = start;
        prevEnd = end;
        continue;
      }
    }
    const id = decoder.decode(bytes.subarray(start, end));
    let g = index.get(id);
    if (g === undefined) {
      g = ids.length;
      index.set(id, g);
      ids.push(id);
    }
    groupOf[i] = g;
    prevStart = start;
    prevEnd = end;
  }
  return groupOf;
}

/** Groups the rows of `batch` by its `prompt_id` column (errors name `where`). */
export function groupByPrompt(batch: Batch, where: string): PromptGroups {
  const ids: string[] = [];
  const index = new Map<string, number>();
  let groupOf = groupOfFromBytes(batch, ids, index, where);
  if (!groupOf) {
    const all = readStrings(batch, COLUMNS.promptId, where); // dictionary-encoded or chunked: decode every row
    groupOf = new Int32Array(all.length);
    for (let i = 0; i < all.length; i++) {
      let g = index.get(all[i]!);
      if (g === undefined) {
        g = ids.length;
        index.set(all[i]!, g);
        ids.push(all[i]!);
      }
      groupOf[i] = g;
    }
  }
  const n = groupOf.length;
  const offsets = new Int32Array(ids.length + 1);
  for (let i = 0; i < n; i++) offsets[groupOf[i]! + 1]!++;
  for (let g = 0; g < ids.length; g++) offsets[g + 1]! += offsets[g]!;
  const cursor = offsets.slice(0, ids.length);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[cursor[groupOf[i]!]!++] = i;
  return { ids, offsets, rows, groupOf };
}
