/**
 * `tokenLogps`: adds one List<Float32> column holding, per row, the log-prob of every completion
 * token under a model, without gradient: `log π(y_t | x, y_<t)` for t over `completion_ids` (the
 * tokens kept after `maxLength` truncation). GRPO stores the behaviour policy's values this way
 * (`old_token_logps`, the π_θold of the clipped ratio) before its μ optimization iterations;
 * `referenceLogps` with `perToken: true` writes the reference's (`ref_token_logps`) the same way.
 */
import { COLUMNS, defineStage, readTokenLists, withColumns, type Batch } from '@prefstream/core';
import type { LogProbModel } from '@prefstream/model';
import { concatMap, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { floatListVector } from './float-lists.js';
import { frozenTokenLogps } from './internal/frozen-token-logps.js';
import { PackingOptions } from './internal/packing-options.js';
import { logProbModelResource } from './internal/resources.js';
import { asBatch, stageError } from './internal/stage-input.js';

const STAGE = 'tokenLogps';

/** Column of the behaviour (sampling-time) policy's per-token log-probs. */
export const OLD_TOKEN_LOGPS = 'old_token_logps';
/** Column of the reference policy's per-token log-probs. */
export const REF_TOKEN_LOGPS = 'ref_token_logps';

/** Options of the `tokenLogps` stage. @example TokenLogpsOptions.parse({ model: 'policy', output: 'old_token_logps' }) */
export const TokenLogpsOptions = z.strictObject({
  model: z.string().min(1).default('policy').describe('Resource name of the LogProbModel to score with (no gradient is taken).'),
  output: z.string().min(1).default(OLD_TOKEN_LOGPS).describe('Name of the List<Float32> column written (one value per completion token).'),
  microBatchSize: z.number().int().positive().default(8).describe('Sequences per forward; bounds activation memory.'),
  ...PackingOptions,
});
/** Parsed {@link TokenLogpsOptions}. */
export type TokenLogpsOptions = z.output<typeof TokenLogpsOptions>;

/**
 * The operator behind `tokenLogps` (also used by `referenceLogps` with `perToken`).
 * @borrows `model`; every tensor it makes is disposed before the batch is emitted.
 */
export function tokenLogpsOperator(model: LogProbModel, o: Omit<TokenLogpsOptions, 'model'>, stage: string): OperatorFunction<unknown, Batch> {
  return concatMap(async (item, index) => {
    try {
      const batch = asBatch(item as Batch, stage, index);
      const prompts = readTokenLists(batch, COLUMNS.promptIds, stage);
      const completions = readTokenLists(batch, COLUMNS.completionIds, stage);
      const lists = await frozenTokenLogps(model, prompts, completions, o.microBatchSize, { padSide: o.padSide, padTokenId: o.padTokenId, maxLength: o.maxLength });
      return withColumns(batch, { [o.output]: floatListVector(lists) });
    } catch (err) {
      throw stageError(stage, index, err);
    }
  });
}

/**
 * Stage definition (kind `tokenLogps`, batch → batch): `prompt_ids`, `completion_ids` → `output`.
 * @example
 * // YAML: - { kind: tokenLogps, model: policy, output: old_token_logps }
 * const op = tokenLogps.create(tokenLogps.options.parse({}), ctx);
 */
export const tokenLogps = defineStage({
  kind: STAGE,
  options: TokenLogpsOptions,
  input: 'batch',
  output: 'batch',
  requires: () => [COLUMNS.promptIds, COLUMNS.completionIds],
  produces: (o) => [o.output],
  create: (o, ctx): OperatorFunction<unknown, Batch> => tokenLogpsOperator(logProbModelResource(ctx, o.model, STAGE, 'model'), o, STAGE),
});
