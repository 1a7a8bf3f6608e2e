/**
 * The contract every reward kind implements (DESIGN §4, STYLE habit 6: a registry of kinds, not an
 * if/else chain). A kind turns its parsed options and the stage context into a {@link RewardScorer};
 * `scoreWithReward` only ever talks to scorers.
 */
import type { StageContext } from '@prefstream/core';
import type { z } from 'zod';

/** The rows of one batch, as columns (never row objects: STYLE habit 7). */
export interface RewardRows {
  /** `prompt_id` per row. */
  readonly promptIds: readonly string[];
  /** `prompt` per row. */
  readonly prompts: readonly string[];
  /** `completion` per row. */
  readonly completions: readonly string[];
  /** `completion_ids` per row when the batch carries them (models may skip re-tokenizing). */
  readonly completionIds?: readonly Int32Array[];
  /** `prompt_ids` per row when the batch carries them. */
  readonly promptTokenIds?: readonly Int32Array[];
  /** Any extra string columns a kind declared in `requires` (e.g. a pairwise baseline). */
  readonly extra: ReadonlyMap<string, readonly string[]>;
}

/** What a scorer returns for one batch. */
export interface RewardScores {
  /** One reward per row, in row order. Non-finite values are rejected by the stage. */
  readonly rewards: Float64Array;
  /** Kind-specific per-batch metrics (e.g. `reward/position_consistency`). */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** Scores the rows of one batch. Implementations hold no tensors between calls. */
export interface RewardScorer {
  score(rows: RewardRows, signal: AbortSignal): Promise<RewardScores>;
}

/** A registered reward kind: its options schema (with a literal `kind`), columns and factory. */
export interface RewardKindDefinition<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly options: S;
  /** Extra columns this kind reads beyond prompt_id / prompt / completion. */
  requires(options: z.output<S>): readonly string[];
  create(options: z.output<S>, ctx: StageContext): RewardScorer;
}

/** Keeps the options type when declaring a kind. */
export function defineRewardKind<S extends z.ZodType>(definition: RewardKindDefinition<S>): RewardKindDefinition<S> {
  return definition;
}
