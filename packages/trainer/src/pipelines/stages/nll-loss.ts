/**
 * `nllLoss`: supervised fine-tuning. The (optionally weighted) negative log-likelihood of each
 * row's completion given its prompt under the policy, through `weightedNll` from
 * @prefstream/losses, as one {@link GradientBatch} per batch for `applyUpdates`.
 *
 * With `weightColumn` every completion token of a row carries that row's weight — C-RLFT's
 * class-conditioned weighted NLL (OpenChat arXiv 2309.11235 Eq. 5; spec §6).
 */
import { z } from 'zod';
import { COLUMNS, DataError, defineStage, readFloat32, readTokenLists, type Batch } from '@prefstream/core';
import { lossGradients, weightedNll } from '@prefstream/losses';
import { packSequences } from '@prefstream/model';
import { gradientSteps } from '../internal/gradient-step.js';
import { PackingOptions } from '../internal/packing.js';
import { logProbModelOf } from '../internal/resources.js';

const STAGE = 'nllLoss';

/** Options of {@link nllLoss}. @example NllLossOptions.parse({ weightColumn: 'weight' }) */
export const NllLossOptions = z.strictObject({
  policy: z.string().min(1).default('policy').describe('Resource name of the LogProbModel being trained.'),
  completion: z.string().min(1).default(COLUMNS.completionIds).describe('Token-id column of the target completion.'),
  weightColumn: z.string().min(1).optional().describe('Float32 column of per-row loss weights (C-RLFT `weight`); unset = 1.'),
  perSequence: z.boolean().default(false).describe('Divide each row\'s weight by its token count (spec §6); default token-level as OpenChat.'),
  ...PackingOptions,
});
/** Parsed {@link NllLossOptions}. */
export type NllLossOptions = z.output<typeof NllLossOptions>;

/**
 * Stage definition (kind `nllLoss`, batch → gradients). Metrics: `loss` (by applyUpdates),
 * `nll/weighted`, `tokens/weighted`, `weight/sum`.
 * @example
 * // YAML: - { kind: nllLoss, weightColumn: weight }
 */
export const nllLoss = defineStage({
  kind: STAGE,
  options: NllLossOptions,
  input: 'batch',
  output: 'gradients',
  requires: (o) => [COLUMNS.promptIds, o.completion, ...(o.weightColumn ? [o.weightColumn] : [])],
  produces: () => [],
  create(o, ctx) {
    const policy = logProbModelOf(ctx, o.policy, STAGE);
    const where = `stage ${STAGE}`;
    return gradientSteps(STAGE, (batch: Batch) => {
      const prompts = readTokenLists(batch, COLUMNS.promptIds, where);
      const completions = readTokenLists(batch, o.completion, where);
      const rowWeights = o.weightColumn ? readFloat32(batch, o.weightColumn, where) : undefined;
      const packed = packSequences(prompts, completions, { padSide: o.padSide, padTokenId: o.padTokenId, maxLength: o.maxLength });
      const { batchSize: B, seqLen: T } = packed;
      const weights = new Float32Array(B * T); // (B·T) row weight on completion tokens, 0 elsewhere
      for (let b = 0; b < B; b++) {
        const w = rowWeights ? rowWeights[b]! : 1;
        if (!(w >= 0) || !Number.isFinite(w)) throw new DataError({ field: o.weightColumn, row: b, message: `${where}: weight ${w} is not a finite number ≥ 0` });
        for (let t = 0; t < T; t++) weights[b * T + t] = packed.completionMask[b * T + t]! * w;
      }
      let tokens = 0;
      for (const m of packed.attentionMask) tokens += m;
      return lossGradients(batch, policy.trainableVariables(), tokens, () => {
        const { tokenLogps } = policy.sequenceLogps(packed); // (B, T)
        // packSequences gives the log-prob of token t at position t, 0 off the completion.
        return weightedNll(tokenLogps, weights, { perSequence: o.perSequence });
      });
    });
  },
});

