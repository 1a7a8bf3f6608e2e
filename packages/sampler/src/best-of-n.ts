/**
 * The `bestOfN` stage: per prompt, keep the `numSamples` highest-reward candidates — the β → 0
 * limit of RSO's rejection sampler (arXiv 2309.06657), and the "sample-rank" selection of SLiC-HF
 * (arXiv 2305.10425) when numSamples is the whole set.
 */
import { z } from 'zod';
import { COLUMNS, defineStage } from '@prefstream/core';
import { bestOfNIndices } from './best-of-n-indices.js';
import { mapBatches } from './internal/map-batches.js';
import { selectPerPrompt } from './internal/select-per-prompt.js';
import { SeenPromptIds } from './internal/seen-prompt-ids.js';

/** Options of {@link bestOfN}. */
export const BestOfNOptions = z.strictObject({
  /** Candidates kept per prompt; 8 matches `rejectionSample`'s default so the two swap in a pipeline. */
  numSamples: z.number().int().positive().default(8),
  /** The Float32 column holding each candidate's reward. */
  rewardColumn: z.string().min(1).default(COLUMNS.reward),
  /** How many earlier prompt ids are remembered to detect a prompt split across batches (bounded memory). */
  promptIdMemory: z.number().int().positive().default(100_000),
});
export type BestOfNOptions = z.infer<typeof BestOfNOptions>;

/**
 * Stage `bestOfN`: rows grouped by `prompt_id` → each prompt's top `numSamples` rows by reward,
 * highest first, equal rewards in row order. Deterministic (no random draws).
 *
 * Metrics per batch: `best_of_n/prompts`, `best_of_n/kept`, `best_of_n/short_prompts` (prompts
 * with fewer than numSamples candidates; all of them are kept).
 *
 * @example
 * scored$.pipe(bestOfN.create(BestOfNOptions.parse({ numSamples: 1 }), ctx));
 */
export const bestOfN = defineStage({
  kind: 'bestOfN',
  options: BestOfNOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [COLUMNS.promptId, o.rewardColumn],
  produces: () => [],
  create(options, ctx) {
    return (source) => {
      const seen = new SeenPromptIds(options.promptIdMemory);
      return source.pipe(
        mapBatches('bestOfN', (batch) => {
          const { batch: out, totals } = selectPerPrompt(batch, {
            stage: 'bestOfN',
            rewardColumn: options.rewardColumn,
            seen,
            select: (rewards) => ({ indices: bestOfNIndices(rewards, options.numSamples), short: rewards.length < options.numSamples }),
          });
          ctx.metrics.record(
            { 'best_of_n/prompts': totals.prompts, 'best_of_n/kept': totals.accepted, 'best_of_n/short_prompts': totals.shortPrompts },
            { stage: 'bestOfN' },
          );
          if (totals.shortPrompts > 0) ctx.log.warn(`bestOfN: ${totals.shortPrompts} prompt(s) had fewer than ${options.numSamples} candidates; kept all of them`);
          return out;
        }),
      );
    };
  },
});
