/**
 * The rows of a bandit dataset, in the format the pipeline's first stages read (a registry keyed
 * by the column that decides it):
 *  - `pairs` (dpo, ipo, copg, …: needs `chosen`): `prompt_id`, `prompt`, `chosen`, `rejected`,
 *    `chosen_reward`, `rejected_reward` — the labelled winner of (a ~ μ1, b ~ μ2) is `chosen`;
 *  - `completions` (crlft, sft: needs `completion`): two rows per pair, `a` with condition
 *    `expert` and weight `classWeights.expert`, then `b` with `suboptimal` and its weight;
 *  - `prompts` (rso, slic: needs only prompts): N rows `prompt_id`, `prompt`.
 * The prompt is the bandit's single (empty) prompt; completions are arm words `a<y>`.
 */
import type { RecordBatch } from 'apache-arrow';
import { ConfigError, fromRows, type ParsedStage } from '@prefstream/core';
import { armText, BANDIT_PROMPT, drawBanditPairs, type BanditDraw } from '@prefstream/eval';
import { BANDIT_CLASSES, type BanditDataConfig } from './bandit-data-config.js';

/** One row format: the column that selects it and the rows of one draw. */
interface RowFormat {
  readonly name: string;
  readonly selectedBy: string;
  readonly columns: readonly string[];
  rows(draw: BanditDraw, index: number, data: BanditDataConfig): object[];
}

const common = (i: number) => ({ prompt_id: `p${i}`, prompt: BANDIT_PROMPT });

/** Formats in the order they are tried. */
export const BANDIT_ROW_FORMATS: readonly RowFormat[] = [
  {
    name: 'pairs',
    selectedBy: 'chosen',
    columns: ['prompt_id', 'prompt', 'chosen', 'rejected', 'chosen_reward', 'rejected_reward'],
    rows: ({ first, second, firstWins }, i, { rewards }) => {
      const [w, l] = firstWins ? [first, second] : [second, first];
      return [{ ...common(i), chosen: armText(w), rejected: armText(l), chosen_reward: rewards[w], rejected_reward: rewards[l] }];
    },
  },
  {
    name: 'completions',
    selectedBy: 'completion',
    columns: ['prompt_id', 'prompt', 'completion', 'condition', 'weight'],
    rows: ({ first, second }, i, { classWeights }) =>
      [first, second].map((arm, j) => ({ ...common(2 * i + j), completion: armText(arm), condition: BANDIT_CLASSES[j], weight: classWeights[BANDIT_CLASSES[j]!] })),
  },
  {
    name: 'prompts',
    selectedBy: 'prompt',
    columns: ['prompt_id', 'prompt'],
    rows: (_draw, i) => [common(i)],
  },
];

/** The source columns the stages read before any stage produces them. */
function sourceColumns(stages: readonly ParsedStage[]): Set<string> {
  const produced = new Set<string>();
  const needed = new Set<string>();
  for (const { definition, options } of stages) {
    for (const c of definition.requires(options)) if (!produced.has(c)) needed.add(c);
    for (const c of definition.produces(options)) produced.add(c);
  }
  return needed;
}

/** The format the stage list reads; a ConfigError naming `where` when none fits. */
export function banditRowFormat(stages: readonly ParsedStage[], where: string): RowFormat {
  const needed = sourceColumns(stages);
  const format = BANDIT_ROW_FORMATS.find((f) => needed.has(f.selectedBy));
  if (!format) {
    throw new ConfigError(where, `the pipeline reads ${[...needed].join(', ') || 'no columns'}; bandit data makes ${BANDIT_ROW_FORMATS.map((f) => `${f.name} (${f.columns.join(', ')})`).join(' or ')}`);
  }
  return format;
}

function* rowsOf(format: RowFormat, data: BanditDataConfig): Generator<object> {
  let i = 0;
  for (const draw of drawBanditPairs({ ...data, mu2: data.mu2 ?? data.mu1 })) yield* format.rows(draw, i++, data);
}

/** The dataset from row `skip` on, in batches of `batchRows` with source positions (resume). */
export function readBanditRows(format: RowFormat, data: BanditDataConfig, options: { batchRows: number; skip: number }): AsyncGenerator<RecordBatch> {
  return fromRows(rowsOf(format, data), { ...options, name: `bandit data (${format.name})` });
}
