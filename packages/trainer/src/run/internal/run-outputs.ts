/**
 * The files a run writes besides checkpoints: `metrics.jsonl` (one row per update under TRL's
 * names), `samples.jsonl` (prompt, completion, reward of logged rows) and `config.resolved.yaml`.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { stringify } from 'yaml';

export const RUN_FILES = { metrics: 'metrics.jsonl', samples: 'samples.jsonl', config: 'config.resolved.yaml', final: 'final' } as const;

/** Appends one JSON line per row. */
export async function appendRows(dir: string, file: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, file), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Keeps the rows of `file` with `step ≤ step` (a resumed run drops what came after its checkpoint). */
export async function truncateRows(dir: string, file: string, step: number): Promise<void> {
  const text = await readFile(join(dir, file), 'utf8').catch(() => '');
  await mkdir(dir, { recursive: true });
  const kept = text.split('\n').filter((line) => line.trim() && (JSON.parse(line) as { step?: number }).step! <= step);
  await writeFile(join(dir, file), kept.length ? kept.join('\n') + '\n' : '');
}

export async function writeResolvedConfig(dir: string, config: object): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, RUN_FILES.config), stringify(config));
}

/** One metrics row from applyUpdates' one-row batch. */
export function metricsRow(batch: RecordBatch): Record<string, number> {
  const row: Record<string, number> = {};
  for (const field of batch.schema.fields) row[field.name] = Number(batch.getChild(field.name)!.get(0));
  return row;
}

const text = (batch: RecordBatch, name: string, i: number): string | undefined => {
  const v = batch.getChild(name)?.get(i);
  return v === null || v === undefined ? undefined : String(v);
};
const num = (batch: RecordBatch, name: string, i: number): number | null => {
  const v = batch.getChild(name)?.get(i);
  return v === null || v === undefined ? null : Number(v);
};

/**
 * Up to `rows` sample rows (prompt, completion, reward) of a batch that has completions: single
 * (`completion` + `reward`) or pairs (`chosen`/`rejected` + `chosen_reward`/`rejected_reward`).
 */
export function sampleRows(batch: RecordBatch, step: number, rows: number): object[] {
  const out: object[] = [];
  const sides: [string, string][] = [['completion', 'reward'], ['chosen', 'chosen_reward'], ['rejected', 'rejected_reward']];
  for (let i = 0; i < Math.min(rows, batch.numRows); i++) {
    for (const [column, reward] of sides) {
      const completion = text(batch, column, i);
      if (completion !== undefined) out.push({ step, prompt: text(batch, 'prompt', i) ?? null, completion, reward: num(batch, reward, i) });
    }
  }
  return out;
}
