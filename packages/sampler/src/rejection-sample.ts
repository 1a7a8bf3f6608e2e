/**
 * The `rejectionSample` stage: RSO's statistical rejection sampling (arXiv 2309.06657,
 * Algorithm 1) applied per prompt to scored candidates. It keeps the rows it accepts, all columns
 * intact, so the accepted samples approximately follow π_r ∝ π_sft·exp(r/β).
 */
import { z } from 'zod';
import { COLUMNS, defineStage } from '@prefstream/core';
import { rejectionSampleIndices } from './rejection-sample-indices.js';
import { mapBatches } from './internal/map-batches.js';
import { selectPerPrompt } from './internal/select-per-prompt.js';
import { SeenPromptIds } from './internal/seen-prompt-ids.js';

/** Options of {@link rejectionSample}. */
export const RejectionSampleOptions = z.strictObject({
  /** RSO keeps 8 of 64 candidates per prompt (§5 of the paper); pairs are built from these. */
  numSamples: z.number().int().positive().default(8),
  /** Temperature of π_r ∝ π_sft·exp(r/β), in reward units; RSO's default 0.5. Smaller → closer to best-of-n. */
  beta: z.number().positive().default(0.5),
  /** The Float32 column holding each candidate's reward (`score` stages write `reward`). */
  rewardColumn: z.string().min(1).default(COLUMNS.reward),
  /** How many earlier prompt ids are remembered to detect a prompt split across batches (bounded memory). */
  promptIdMemory: z.number().int().positive().default(100_000),
});
export type RejectionSampleOptions = z.infer<typeof RejectionSampleOptions>;

/**
 * Stage `rejectionSample`: rows grouped by `prompt_id` → the accepted rows, in acceptance order.
 * Uniforms come from `ctx.rng.split('rejectionSample').split(promptId)`, so a prompt's selection
 * does not depend on how prompts are batched. Prompts with fewer than `numSamples` candidates keep
 * all of them and are counted in `rso/short_prompts`.
 *
 * Metrics per batch: `rso/prompts`, `rso/accepted`, `rso/acceptance_rate` (accepted ÷ uniform
 * draws over prompts that needed sampling), `rso/rounds_per_prompt`, `rso/short_prompts`.
 *
 * @example
 * const op = rejectionSample.create(RejectionSampleOptions.parse({ numSamples: 8, beta: 0.5 }), ctx);
 * scored$.pipe(op).subscribe(...);
 */
export const rejectionSample = defineStage({
  kind: 'rejectionSample',
  options: RejectionSampleOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [COLUMNS.promptId, o.rewardColumn],
  produces: () => [],
  create(options, ctx) {
    const stageRng = ctx.rng.split('rejectionSample');
    return (source) => {
      const seen = new SeenPromptIds(options.promptIdMemory);
      return source.pipe(
        mapBatches('rejectionSample', (batch) => {
          let sampledPrompts = 0;
          const { batch: out, totals } = selectPerPrompt(batch, {
            stage: 'rejectionSample',
            rewardColumn: options.rewardColumn,
            seen,
            select: (rewards, promptId) => {
              const rng = stageRng.split(promptId);
              const result = rejectionSampleIndices(rewards, options.numSamples, options.beta, () => rng.uniform());
              if (result.draws > 0) sampledPrompts++;
              return result;
            },
          });
          // A prompt with more than numSamples candidates always ends with exactly numSamples accepted.
          const sampledAccepted = sampledPrompts * options.numSamples;
          ctx.metrics.record(
            {
              'rso/prompts': totals.prompts,
              'rso/accepted': totals.accepted,
              'rso/acceptance_rate': totals.draws > 0 ? sampledAccepted / totals.draws : 1,
              'rso/rounds_per_prompt': sampledPrompts > 0 ? totals.rounds / sampledPrompts : 0,
              'rso/short_prompts': totals.shortPrompts,
            },
            { stage: 'rejectionSample' },
          );
          if (totals.shortPrompts > 0) ctx.log.warn(`rejectionSample: ${totals.shortPrompts} prompt(s) had fewer than ${options.numSamples} candidates; kept all of them`);
          return out;
        }),
      );
    };
  },
});
