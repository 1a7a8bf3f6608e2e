/**
 * `prefstream report <run dir>… --out report.html`: one offline HTML page comparing runs — a chart
 * per metric the runs share, a table of final numbers, the bandit regret curves and a sample of
 * completions — and the same numbers as JSON beside it (`report.json` of `--out report.html`).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DataError } from '@prefstream/core';
import { readMetricsJsonl, renderReport, type MetricsRow } from '@prefstream/eval';
import { UsageError, type Command } from './command.js';

const USAGE = `usage: prefstream report <run dir> [<run dir> …] --out <file.html> [--title <text>] [--samples N]

Reads each run directory's metrics.jsonl (required), report.json (bandit runs: final policy,
optimum, regret) and samples.jsonl, and writes a self-contained HTML report (no scripts, no
network: it opens offline) with training curves, a comparison table of final metrics, the regret
plot when the runs have one and a sample of completions. The same numbers are written as JSON
next to it (<file>.json).

  --out FILE      the HTML file to write (its directory is created)
  --title TEXT    page title (default: the run names)
  --samples N     completions shown per run, from its last logged step (default 4)`;

/** Final metrics shown in the table when present, in this order (TRL names). */
const FINAL_METRICS = ['loss', 'rewards/margins', 'rewards/accuracies'] as const;
/** Numbers of a bandit run's report.json shown in the table. */
const BANDIT_NUMBERS = ['regret', 'klToPiStar', 'tvToOptimum', 'tvToEmpiricalOptimum'] as const;

/** One run as the report reads it. */
export interface ReportRun {
  readonly name: string;
  readonly dir: string;
  readonly metrics: MetricsRow[];
  /** The run's report.json (bandit runs), or null. */
  readonly report: Record<string, unknown> | null;
  readonly samples: { prompt: string; completion: string; reward: number | null }[];
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataError({ file, message: `cannot read: ${(cause as Error).message}`, cause });
  }
}

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new DataError({ file, message: `invalid JSON: ${(cause as Error).message}`, cause });
  }
}

/** Reads one run directory; a missing metrics.jsonl is an error naming it. */
export async function readRun(dir: string, sampleCount: number): Promise<ReportRun> {
  const metricsFile = path.join(dir, 'metrics.jsonl');
  if ((await readOptional(metricsFile)) === null) throw new DataError({ file: metricsFile, message: 'not found: not a run directory (prefstream run writes it)' });
  const metrics = await readMetricsJsonl(metricsFile);
  const reportFile = path.join(dir, 'report.json');
  const reportText = await readOptional(reportFile);
  const samplesFile = path.join(dir, 'samples.jsonl');
  const samplesText = await readOptional(samplesFile);
  const logged = samplesText ? ((await readMetricsJsonl(samplesFile)) as { step?: number; prompt?: unknown; completion?: unknown; reward?: unknown }[]) : [];
  const lastStep = logged.at(-1)?.step;
  const samples = logged
    .filter((s) => s.step === lastStep)
    .slice(0, sampleCount)
    .map((s) => ({ prompt: String(s.prompt ?? ''), completion: String(s.completion ?? ''), reward: typeof s.reward === 'number' ? s.reward : null }));
  return { name: path.basename(path.resolve(dir)), dir, metrics, report: reportText === null ? null : parseJson(reportText, reportFile), samples };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The comparison table: one row per run, final metrics and, for bandit runs, the oracle's numbers. */
export function comparisonTable(runs: readonly ReportRun[]): { columns: string[]; rows: (string | number | null)[][] } {
  const finals = FINAL_METRICS.filter((k) => runs.some((r) => num(r.metrics.at(-1)?.[k]) !== null));
  const bandit = runs.some((r) => r.report !== null);
  const columns = ['run', 'steps', ...finals, ...(bandit ? ['method', ...BANDIT_NUMBERS] : [])];
  const rows = runs.map((r) => [
    r.name,
    num(r.metrics.at(-1)?.step) ?? r.metrics.length,
    ...finals.map((k) => num(r.metrics.at(-1)?.[k])),
    ...(bandit ? [typeof r.report?.method === 'string' ? r.report.method : null, ...BANDIT_NUMBERS.map((k) => num(r.report?.[k]))] : []),
  ]);
  return { columns, rows };
}

/** Regret points of a run: report.json's curve, else the `bandit/regret` metric. */
function regretPoints(run: ReportRun): { step: number; value: number }[] {
  const curve = run.report?.regretCurve;
  if (Array.isArray(curve)) return (curve as { step: number; regret: number }[]).map((p) => ({ step: p.step, value: p.regret }));
  return run.metrics.flatMap((row, i) => (num(row['bandit/regret']) === null ? [] : [{ step: num(row.step) ?? i, value: row['bandit/regret'] as number }]));
}

/** The HTML page and its JSON twin for `runs`. */
export function buildReport(runs: readonly ReportRun[], title: string): { html: string; json: object } {
  const table = comparisonTable(runs);
  const regret = runs.map((r) => ({ name: r.name, points: regretPoints(r) })).filter((r) => r.points.length > 0);
  const samples = runs.flatMap((r) => r.samples.map((s) => ({ ...s, prompt: `[${r.name}] ${s.prompt}` })));
  const html = renderReport({ title, runs: runs.map((r) => ({ name: r.name, metrics: r.metrics })), table, regret, samples });
  const json = {
    title,
    table,
    runs: runs.map((r) => {
      const { regretCurve: _curve, ...report } = r.report ?? {};
      return { name: r.name, dir: r.dir, steps: r.metrics.length, final: r.metrics.at(-1) ?? null, report: r.report ? report : null, samples: r.samples };
    }),
    regret,
  };
  return { html, json };
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { out: { type: 'string' }, title: { type: 'string' }, samples: { type: 'string', default: '4' } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `prefstream report`. */
export const report: Command = {
  name: 'report',
  summary: 'HTML + JSON report of runs: training curves, final metrics, regret, sample completions',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseFlags(argv);
    if (positionals.length === 0) throw new UsageError('give at least one run directory');
    if (!values.out) throw new UsageError('--out <file.html> is required');
    const sampleCount = Number(values.samples);
    if (!Number.isInteger(sampleCount) || sampleCount < 0) throw new UsageError(`--samples must be an integer ≥ 0, got "${values.samples}"`);
    const runs = [];
    for (const dir of positionals) runs.push(await readRun(dir, sampleCount));
    const names = runs.map((r) => r.name);
    if (new Set(names).size !== names.length) throw new UsageError(`two runs share a directory name (${names.join(', ')}); the report names runs by directory`);
    const { html, json } = buildReport(runs, values.title ?? names.join(' vs '));
    const out = path.resolve(values.out);
    const jsonFile = out.replace(/\.html?$/i, '') + '.json';
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, html);
    await writeFile(jsonFile, JSON.stringify(json, null, 2) + '\n');
    console.log(`wrote ${out} and ${jsonFile} (${runs.length} run${runs.length === 1 ? '' : 's'})`);
    return 0;
  },
};
