/**
 * Step (e) of the demo: the comparison as data (report.json), as a text table (stdout) and as a
 * self-contained HTML page (report.html, with each run's training curves and sample completions).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeHtml, readMetricsJsonl, renderReport, type MetricsRow } from '@prefstream/eval';
import type { DemoSizes } from './demo-settings.js';
import type { RewardModelAccuracy } from './reward-model-step.js';
import type { PolicySummary } from './summarize.js';

/** One row of the comparison: SFT or a method. */
export interface PolicyEntry {
  name: string;
  label: string;
  description: string;
  summary: PolicySummary;
  /** Absent for SFT (shipped, not trained here). */
  training?: {
    updates: number;
    seconds: number;
    /** Mean sequences in each update's loss (pairs × 2 for pairwise losses), from metrics.jsonl. */
    sequencesPerUpdate: number;
    runDir: string;
  };
  /** A few held-out prompts with this policy's completion and gold reward. */
  samples: { prompt: string; completion: string; gold: number }[];
}

/** Everything report.json holds. */
export interface DemoReport {
  title: string;
  seed: number;
  quick: boolean;
  sizes: DemoSizes;
  budgetStatement: string;
  goldReward: string;
  preferenceData: { prompts: number; pairs: number; ties: number; identical: number; flipped: number; heldoutPairs: number };
  rewardModel: RewardModelAccuracy & { updates: number; runDir: string };
  policies: PolicyEntry[];
  /** Wall time of the whole demo, seconds. */
  wallSeconds: number;
}

const f3 = (x: number) => x.toFixed(3);
const ci = (m: { mean: number; low: number; high: number }) => `${f3(m.mean)} [${f3(m.low)}, ${f3(m.high)}]`;

/** Column names of the comparison table. */
export const TABLE_COLUMNS = [
  'policy',
  'gold reward [95% CI]',
  'learned reward [95% CI]',
  'exact',
  'win vs SFT, gold: W/L/T, rate [95% CI]',
  'win vs SFT, learned RM: W/L/T, rate [95% CI]',
  'KL(π‖SFT) k3 ± se',
  'updates × seq',
  'train s',
];

/** The comparison table's cells, one row per policy (rates exclude ties; ties are listed). */
export function tableRows(report: DemoReport): string[][] {
  return report.policies.map((p) => {
    const s = p.summary;
    const win = (w: PolicySummary['winGold']) =>
      w === null ? '—' : `${w.wins}/${w.losses}/${w.ties}, ${w.decided ? `${f3(w.decided.estimate)} [${f3(w.decided.low)}, ${f3(w.decided.high)}]` : 'all ties'}`;
    return [
      p.label,
      ci(s.gold),
      ci(s.learned),
      f3(s.exact.mean),
      win(s.winGold),
      win(s.winLearned),
      s.kl ? `${f3(s.kl.k3.mean)} ± ${f3(s.kl.k3.standardError)}` : '—',
      p.training ? `${p.training.updates} × ${p.training.sequencesPerUpdate.toFixed(1)}` : '—',
      p.training ? p.training.seconds.toFixed(1) : '—',
    ];
  });
}

/** The table as aligned plain text. */
export function formatTable(columns: readonly string[], rows: readonly string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Bookkeeping columns of metrics.jsonl that make flat or uninformative charts. */
const NOT_CHARTED = new Set(['learning_rate', 'tokens_per_second', 'skipped_steps']);

/** Metrics rows without the {@link NOT_CHARTED} columns. */
function curves(rows: readonly MetricsRow[]): MetricsRow[] {
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !NOT_CHARTED.has(k))));
}

/** Writes `<out>/report.json` and `<out>/report.html`; returns their paths. */
export async function writeReport(out: string, report: DemoReport): Promise<{ json: string; html: string }> {
  const json = path.join(out, 'report.json');
  const html = path.join(out, 'report.html');
  await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  const runs: { name: string; metrics: MetricsRow[] }[] = [];
  for (const p of report.policies) if (p.training) runs.push({ name: p.label, metrics: curves(await readMetricsJsonl(path.join(p.training.runDir, 'metrics.jsonl'))) });
  const rm = { name: 'reward model', metrics: curves(await readMetricsJsonl(path.join(report.rewardModel.runDir, 'metrics.jsonl'))) };
  const notes = [
    `Budget: ${report.budgetStatement}`,
    `Gold reward: ${report.goldReward}`,
    `Preference data: ${report.preferenceData.pairs} pairs from ${report.preferenceData.prompts} training prompts (${report.preferenceData.ties} tied pairs skipped, ${report.preferenceData.flipped} labels disagree with gold).`,
    `Reward model: held-out pair accuracy ${f3(report.rewardModel.labels)} against the noisy labels, ${f3(report.rewardModel.gold)} against the gold ordering (${report.rewardModel.pairs} pairs).`,
  ];
  const page = renderReport({
    title: report.title,
    runs,
    table: { columns: [...TABLE_COLUMNS, 'what it learns from'], rows: tableRows(report).map((r, i) => [...r, report.policies[i]!.description]) },
    samples: report.policies.flatMap((p) => p.samples.slice(0, 3).map((s) => ({ prompt: `${p.label}: ${s.prompt}`, completion: s.completion, reward: s.gold }))),
  });
  const rmPage = renderReport({ title: 'reward model', runs: [rm] });
  // renderReport has no free-text section: the setup notes and the reward model's curves (on
  // their own scale, so not in the methods' charts) go right after the page's one <h1>.
  const notesHtml = `<section><h2>Setup</h2><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`;
  const rmCharts = /<section><h2>Training metrics<\/h2>[\s\S]*?<\/section>/.exec(rmPage)?.[0]?.replace('Training metrics', 'Reward model training') ?? '';
  await writeFile(html, page.replace('</h1>', () => `</h1>\n${notesHtml}\n${rmCharts}`));
  return { json, html };
}
