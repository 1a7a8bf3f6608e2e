/**
 * The `buildPairs` stage: one prompt's scored candidates → preference pairs (RSO arXiv 2309.06657
 * §3.3; SLiC-HF arXiv 2305.10425 §2.2). A pairing strategy (registry) picks the pairs, the rewards
 * label them — the higher reward goes to `chosen` — and an optional soft `preference` column is
 * written by a labeler (registry).
 */
import { z } from 'zod';
import { COLUMNS, columnOf, DataError, defineStage, float32Vector, makeBatch, readFloat32, readStrings } from '@prefstream/core';
import type { Vector } from 'apache-arrow';
import { groupByPrompt } from './internal/group-by-prompt.js';
import { mapBatches } from './internal/map-batches.js';
import { SeenPromptIds } from './internal/seen-prompt-ids.js';
import { labelPairs } from './internal/label-pairs.js';
import { takeRowsColumnar } from './internal/take-rows-columnar.js';
import { PAIRING_STRATEGY_NAMES } from './pairing/pairing-strategies.js';
import { PreferenceOption, preferenceLabeler } from './preference-labels.js';

/** Options of {@link buildPairs}. */
export const BuildPairsOptions = z.strictObject({
  /** RSO's default: shuffle, then K/2 disjoint pairs (8 accepted → 4 pairs). */
  strategy: z.enum(PAIRING_STRATEGY_NAMES).default('first-round'),
  /** Equal rewards carry no preference: drop the pair (counted) or keep it with preference 0.5. */
  ties: z.enum(['skip', 'keep']).default('skip'),
  /** Soft label P(chosen ≻ rejected) in a `preference` column; hard labels only by default (spec §4). */
  preference: PreferenceOption,
  /** The candidates' reward column. */
  rewardColumn: z.string().min(1).default(COLUMNS.reward),
  /** Write `chosen_ids`/`rejected_ids` from `completion_ids` (needed by log-prob stages downstream). */
  tokenIds: z.boolean().default(true),
  /** How many earlier prompt ids are remembered to detect a prompt split across batches (bounded memory). */
  promptIdMemory: z.number().int().positive().default(100_000),
});
export type BuildPairsOptions = z.infer<typeof BuildPairsOptions>;

/** Per-candidate columns that pairs replace by their chosen/rejected forms. */
const CANDIDATE_COLUMNS = [COLUMNS.completion, COLUMNS.completionIds, COLUMNS.completionLogps, COLUMNS.refLogps];

/**
 * Stage `buildPairs`: rows grouped by `prompt_id` with `completion` (+ `completion_ids`) and a
 * reward → one row per pair: `prompt_id`, every per-prompt column (`prompt`, `prompt_ids`, … taken
 * from the chosen row), `chosen`, `rejected`, `chosen_ids`, `rejected_ids`, `chosen_reward`,
 * `rejected_reward` and, when asked, `preference`. Shuffles use `ctx.rng.split('buildPairs')
 * .split(promptId)`, so pairs do not depend on batching.
 *
 * Metrics per batch: `pairs/prompts`, `pairs/pairs`, `pairs/ties_skipped`, `pairs/ties_kept`,
 * `pairs/prompts_without_pairs`, `pairs/reward_margin` (mean r_w − r_l).
 *
 * @example
 * accepted$.pipe(buildPairs.create(BuildPairsOptions.parse({ strategy: 'tournament' }), ctx));
 */
export const buildPairs = defineStage({
  kind: 'buildPairs',
  options: BuildPairsOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [COLUMNS.promptId, COLUMNS.completion, o.rewardColumn, ...(o.tokenIds ? [COLUMNS.completionIds] : [])],
  produces: (o) => [
    COLUMNS.chosen,
    COLUMNS.rejected,
    ...(o.tokenIds ? [COLUMNS.chosenIds, COLUMNS.rejectedIds] : []),
    COLUMNS.chosenReward,
    COLUMNS.rejectedReward,
    ...(o.preference.kind === 'none' ? [] : [COLUMNS.preference]),
  ],
  consumes: (o) => [...CANDIDATE_COLUMNS, o.rewardColumn],
  create(options, ctx) {
    const stageRng = ctx.rng.split('buildPairs');
    const labeler = preferenceLabeler(options.preference, ctx.resources);
    const where = 'stage buildPairs';
    return (source) => {
      const seen = new SeenPromptIds(options.promptIdMemory);
      return source.pipe(
        mapBatches('buildPairs', async (batch) => {
          const groups = groupByPrompt(batch, where);
          columnOf(batch, COLUMNS.completion, where);
          if (options.tokenIds) columnOf(batch, COLUMNS.completionIds, where);
          const rewards = readFloat32(batch, options.rewardColumn, where); // (N,)
          for (const id of groups.ids) {
            if (seen.has(id)) throw new DataError({ file: where, field: COLUMNS.promptId, message: `prompt "${id}" reappears in a later batch; all candidates of a prompt must travel in one batch (DESIGN §3)` });
          }
          const labeled = labelPairs(groups, rewards, options, (id) => stageRng.split(id), where);
          seen.addAll(groups.ids);
          const s = labeled.stats;
          const pairCount = labeled.chosenRows.length;
          ctx.metrics.record(
            {
              'pairs/prompts': groups.ids.length,
              'pairs/pairs': pairCount,
              'pairs/ties_skipped': s.tiesSkipped,
              'pairs/ties_kept': s.tiesKept,
              'pairs/prompts_without_pairs': s.promptsWithoutPairs,
              'pairs/reward_margin': pairCount > 0 ? s.marginSum / pairCount : 0,
            },
            { stage: 'buildPairs' },
          );
          if (pairCount === 0) return null;

          const { chosenRows, rejectedRows } = labeled;
          const chosenRewards = new Float32Array(pairCount); // (P,)
          const rejectedRewards = new Float32Array(pairCount); // (P,)
          for (let i = 0; i < pairCount; i++) {
            chosenRewards[i] = rewards[chosenRows[i]!]!;
            rejectedRewards[i] = rewards[rejectedRows[i]!]!;
          }
          const consumed = new Set<string>([...CANDIDATE_COLUMNS, options.rewardColumn]);
          const keep = batch.schema.fields.map((f) => f.name).filter((name) => !consumed.has(name));
          const sides = options.tokenIds ? [COLUMNS.completion, COLUMNS.completionIds] : [COLUMNS.completion];
          const chosenSide = takeRowsColumnar(batch, chosenRows, [...keep, ...sides]); // per-prompt columns come from the chosen row
          const rejectedSide = takeRowsColumnar(batch, rejectedRows, sides);
          const columns: Record<string, Vector> = {};
          for (const name of keep) columns[name] = chosenSide.getChild(name)!;
          columns[COLUMNS.chosen] = chosenSide.getChild(COLUMNS.completion)!;
          columns[COLUMNS.rejected] = rejectedSide.getChild(COLUMNS.completion)!;
          if (options.tokenIds) {
            columns[COLUMNS.chosenIds] = chosenSide.getChild(COLUMNS.completionIds)!;
            columns[COLUMNS.rejectedIds] = rejectedSide.getChild(COLUMNS.completionIds)!;
          }
          columns[COLUMNS.chosenReward] = float32Vector(chosenRewards);
          columns[COLUMNS.rejectedReward] = float32Vector(rejectedRewards);
          if (labeler) {
            const preference = await labeler({
              promptIds: Array.from(chosenRows, (r) => groups.ids[groups.groupOf[r]!]!),
              prompts: batch.getChild(COLUMNS.prompt) ? readStrings(chosenSide, COLUMNS.prompt, where) : undefined,
              chosen: readStrings(chosenSide, COLUMNS.completion, where),
              rejected: readStrings(rejectedSide, COLUMNS.completion, where),
              chosenRewards,
              rejectedRewards,
            });
            for (const row of labeled.tieRows) preference[row] = 0.5; // ties: no preference either way
            columns[COLUMNS.preference] = float32Vector(preference);
          }
          return makeBatch(columns);
        }),
      );
    };
  },
});
