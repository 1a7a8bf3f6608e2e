import { z } from 'zod';
import { escapeHtml } from './escape-html.js';
import { lineChartSvg, type ChartSeries } from './line-chart.js';
import type { MetricsRow } from './read-metrics-jsonl.js';

const Cell = z.union([z.string(), z.number(), z.null()]);

/** Input of `renderReport`; the schema is the documentation. */
export const ReportInput = z.strictObject({
  title: z.string(),
  /** Each run's rows from its `metrics.jsonl`; one chart per numeric key present in every run. */
  runs: z.array(z.strictObject({ name: z.string(), metrics: z.array(z.record(z.string(), z.unknown())) })).default([]),
  /** The comparison table (win rates, KL, gold reward, …). */
  table: z.strictObject({ columns: z.array(z.string()), rows: z.array(z.array(Cell)) }).optional(),
  /** A few completions from `samples.jsonl`, shown escaped. */
  samples: z.array(z.strictObject({ prompt: z.string(), completion: z.string(), reward: z.number().nullable().optional() })).optional(),
  /** Regret curves from the bandit oracle, one line per method. */
  regret: z
    .array(z.strictObject({ name: z.string(), points: z.array(z.strictObject({ step: z.number(), value: z.number() })) }))
    .optional(),
});
export type ReportInput = z.input<typeof ReportInput>;

/** Keys that are the x axis or bookkeeping, not metrics to plot. */
const AXIS_KEYS = new Set(['step', 'epoch']);

function numericKeys(rows: readonly MetricsRow[]): Set<string> {
  const keys = new Set<string>();
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (!AXIS_KEYS.has(k) && typeof v === 'number' && Number.isFinite(v)) keys.add(k);
  return keys;
}

/** Metric keys with a finite number in every run, in the first run's order of appearance. */
export function sharedMetricKeys(runs: readonly { metrics: readonly MetricsRow[] }[]): string[] {
  if (runs.length === 0) return [];
  const sets = runs.map((r) => numericKeys(r.metrics));
  return [...sets[0]!].filter((k) => sets.every((s) => s.has(k)));
}

/** One series per run for `key`; x is `step` when the row has one, else the row index. */
function metricSeries(runs: readonly { name: string; metrics: readonly MetricsRow[] }[], key: string): ChartSeries[] {
  return runs.map((run) => ({
    name: run.name,
    points: run.metrics.flatMap((row, i) => {
      const y = row[key];
      const x = typeof row.step === 'number' ? row.step : i;
      return typeof y === 'number' && Number.isFinite(y) ? [{ x, y }] : [];
    }),
  }));
}

function cell(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
  return v;
}

function tableHtml(table: { columns: string[]; rows: (string | number | null)[][] }): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = table.rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(cell(v))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function samplesHtml(samples: { prompt: string; completion: string; reward?: number | null | undefined }[]): string {
  const rows = samples.map(
    (s) => `<tr><td><pre>${escapeHtml(s.prompt)}</pre></td><td><pre>${escapeHtml(s.completion)}</pre></td><td>${s.reward == null ? '—' : escapeHtml(cell(s.reward))}</td></tr>`,
  );
  return `<table class="samples"><thead><tr><th>prompt</th><th>completion</th><th>reward</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

// Inline only: the report must open offline and from a file attachment.
const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}
.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-weight:600}
svg.chart text{font-size:10px;fill:#555}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
pre{margin:0;white-space:pre-wrap;max-width:40em}`;

/**
 * A self-contained HTML report (inline CSS and SVG; no scripts, no network resources): one line
 * chart per metric key shared by the runs, the comparison table, a regret chart and a sample of
 * completions, every piece of text HTML-escaped.
 *
 * @example
 * const html = renderReport({
 *   title: 'DPO vs SFT',
 *   runs: [{ name: 'dpo', metrics: await readMetricsJsonl('runs/dpo/metrics.jsonl') }],
 *   table: { columns: ['method', 'win rate'], rows: [['dpo', 0.62]] },
 * });
 */
export function renderReport(input: ReportInput): string {
  const { title, runs, table, samples, regret } = ReportInput.parse(input);
  const sections: string[] = [];
  const keys = sharedMetricKeys(runs);
  if (keys.length > 0) {
    const figures = keys.map((k) => `<figure><figcaption>${escapeHtml(k)}</figcaption>\n${lineChartSvg(k, metricSeries(runs, k))}</figure>`);
    sections.push(`<section><h2>Training metrics</h2><div class="charts">\n${figures.join('\n')}\n</div></section>`);
  }
  if (table) sections.push(`<section><h2>Comparison</h2>\n${tableHtml(table)}</section>`);
  if (regret && regret.length > 0) {
    const series = regret.map((r) => ({ name: r.name, points: r.points.map((p) => ({ x: p.step, y: p.value })) }));
    sections.push(`<section><h2>Regret</h2><figure><figcaption>regret</figcaption>\n${lineChartSvg('regret', series)}</figure></section>`);
  }
  if (samples && samples.length > 0) sections.push(`<section><h2>Samples</h2>\n${samplesHtml(samples)}</section>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...sections,
    '</body></html>',
    '',
  ].join('\n');
}
