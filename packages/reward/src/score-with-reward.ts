/**
 * `scoreWithReward` stage: adds a scalar `reward` per row from any registered reward kind
 * (function, Bradley–Terry reward model, pairwise preference model, remote judge).
 *
 * requires `prompt_id`, `prompt`, `completion` (+ what the kind needs) → produces `reward`.
 * Batches are scored one at a time in order (concatMap); a kind bounds its own inner concurrency.
 * A non-finite reward is an error naming the prompt_id and row — never a silent NaN.
 */
import { Observable, concatMap } from 'rxjs';
import { z } from 'zod';
import {
  COLUMNS,
  DataError,
  StageError,
  defineStage,
  float32Vector,
  readStrings,
  readTokenLists,
  withColumns,
  type Batch,
  type FlowItem,
  type StageContext,
} from '@prefstream/core';
import { REWARD_KINDS, RewardOptions } from './reward-registry.js';
import type { RewardRows, RewardScorer } from './reward-kind.js';
import { rewardStats } from './internal/reward-stats.js';

const STAGE = 'scoreWithReward';

export const ScoreWithRewardOptions = z.strictObject({
  /** Which reward to compute and its options; `kind` picks the registered reward kind. */
  reward: RewardOptions,
  /** Output column. `reward` by default (DESIGN §3). */
  column: z.string().min(1).default(COLUMNS.reward),
});
export type ScoreWithRewardOptions = z.output<typeof ScoreWithRewardOptions>;

function kindOf(options: ScoreWithRewardOptions) {
  const kind = REWARD_KINDS.get(options.reward.kind);
  // Unreachable after parsing (the union only admits registered kinds); kept as a clear message.
  if (!kind) throw new Error(`${STAGE}: unknown reward kind "${options.reward.kind}"; valid: ${[...REWARD_KINDS.keys()].join(', ')}`);
  return kind;
}

function readRows(batch: Batch, extraColumns: readonly string[]): RewardRows {
  const has = (name: string) => batch.schema.fields.some((f) => f.name === name);
  const extra = new Map<string, string[]>();
  for (const name of extraColumns) extra.set(name, readStrings(batch, name, STAGE));
  return {
    promptIds: readStrings(batch, COLUMNS.promptId, STAGE),
    prompts: readStrings(batch, COLUMNS.prompt, STAGE),
    completions: readStrings(batch, COLUMNS.completion, STAGE),
    ...(has(COLUMNS.completionIds) ? { completionIds: readTokenLists(batch, COLUMNS.completionIds, STAGE) } : {}),
    ...(has(COLUMNS.promptIds) ? { promptTokenIds: readTokenLists(batch, COLUMNS.promptIds, STAGE) } : {}),
    extra,
  };
}

/** Rewards as float32, or a DataError naming the first non-finite row and its prompt_id. */
function checkedRewards(rewards: Float64Array, rows: RewardRows, column: string): Float32Array {
  if (rewards.length !== rows.promptIds.length) {
    throw new Error(`reward kind returned ${rewards.length} rewards for ${rows.promptIds.length} rows`);
  }
  const out = Float32Array.from(rewards);
  for (let i = 0; i < out.length; i++) {
    // Checked after the float32 cast: 1e39 is finite in float64 but Infinity in the column.
    if (!Number.isFinite(out[i]!)) {
      throw new DataError({ row: i, field: column, message: `non-finite reward ${rewards[i]} for prompt_id "${rows.promptIds[i]}"` });
    }
  }
  return out;
}

async function scoreBatch(batch: Batch, scorer: RewardScorer, extra: readonly string[], options: ScoreWithRewardOptions, ctx: StageContext, batchIndex: number, signal: AbortSignal): Promise<Batch> {
  const rows = readRows(batch, extra);
  const scores = await scorer.score(rows, signal);
  const rewards = checkedRewards(scores.rewards, rows, options.column);
  ctx.metrics.record({ ...rewardStats(scores.rewards), ...scores.metrics }, { stage: STAGE, step: batchIndex });
  return withColumns(batch, { [options.column]: float32Vector(rewards) });
}

/**
 * The score stage definition (registered by the pipeline builder under `kind: 'scoreWithReward'`).
 *
 * @example
 * ```ts
 * const ctx = { ...baseCtx, resources: new Map([['len', (_p: string, c: string) => c.length]]) };
 * const options = scoreWithReward.options.parse({ reward: { kind: 'function', fn: 'len' } });
 * batches$.pipe(scoreWithReward.create(options, ctx));
 * ```
 */
export const scoreWithReward = defineStage({
  kind: STAGE,
  options: ScoreWithRewardOptions,
  input: 'batch',
  output: 'batch',
  requires: (options) => [COLUMNS.promptId, COLUMNS.prompt, COLUMNS.completion, ...kindOf(options).requires(options.reward)],
  produces: (options) => [options.column],
  create(options, ctx) {
    const kind = kindOf(options);
    const scorer = kind.create(options.reward, ctx);
    const extra = kind.requires(options.reward);
    return (source) =>
      source.pipe(
        concatMap(
          (item: FlowItem, batchIndex: number) =>
            new Observable<FlowItem>((subscriber) => {
              // Aborted on unsubscribe so in-flight requests and queued rows stop.
              const abort = new AbortController();
              const onRunAbort = () => abort.abort(ctx.signal?.reason);
              ctx.signal?.addEventListener('abort', onRunAbort, { once: true });
              const run = async () => {
                if ('kind' in item && item.kind === 'gradients') throw new Error('expected a record batch, got gradients');
                return scoreBatch(item as Batch, scorer, extra, options, ctx, batchIndex, abort.signal);
              };
              run().then(
                (out) => {
                  subscriber.next(out);
                  subscriber.complete();
                },
                (cause: unknown) => subscriber.error(new StageError({ stage: STAGE, batchIndex, cause })),
              );
              return () => {
                ctx.signal?.removeEventListener('abort', onRunAbort);
                abort.abort(new Error(`${STAGE}: unsubscribed`));
              };
            }),
        ),
      );
  },
});
