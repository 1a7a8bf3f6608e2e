import { readFile } from 'node:fs/promises';

/** One row of a run's `metrics.jsonl`: `step`, `loss`, `rewards/margins`, … */
export type MetricsRow = Record<string, unknown>;

/**
 * Parses a trainer's `<output>/metrics.jsonl` (one JSON object per line; blank lines skipped).
 * A bad line throws an error naming the file and the 1-based line number.
 *
 * @example
 * const rows = await readMetricsJsonl('runs/dpo/metrics.jsonl');
 * rows.map((r) => r.loss);
 */
export async function readMetricsJsonl(path: string): Promise<MetricsRow[]> {
  const text = await readFile(path, 'utf8');
  return parseMetricsJsonl(text, path);
}

/** The parsing half of `readMetricsJsonl`, for text already in memory; `source` names it in errors. */
export function parseMetricsJsonl(text: string, source = '<metrics>'): MetricsRow[] {
  const rows: MetricsRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new Error(`${source}:${i + 1}: invalid JSON (${(cause as Error).message})`, { cause });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${source}:${i + 1}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    rows.push(value as MetricsRow);
  });
  return rows;
}
