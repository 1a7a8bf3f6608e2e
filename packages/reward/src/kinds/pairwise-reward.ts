/**
 * `pairwise` reward kind: a pairwise preference model turned into a pointwise reward against a
 * baseline response (RSO, arXiv 2309.06657, §3 Eq. 7): `r(x, y) = logit(P_sym(y ≻ y_b))`, with
 * both presentation orders averaged (spec §7). `conversion: 'centered'` gives Pairwise-RL's
 * `P_sym − ½` instead (arXiv 2504.04950, provisional).
 *
 * Metric `reward/position_consistency`: the fraction of compared rows where both orders name the
 * same winner (rows whose completion equals the baseline are not compared).
 */
import { z } from 'zod';
import { ConfigError } from '@prefstream/core';
import { defineRewardKind, type RewardScorer } from '../reward-kind.js';
import { isPairwisePreferenceModel, type PairwisePreferenceModel } from '../pairwise-preference-model.js';
import { baselineColumns } from '../internal/baseline.js';
import { LanguageModelJudgeOptions, languageModelJudgeFrom } from '../internal/language-model-judge.js';
import { PairwiseConversionOptions, pairwiseScorer } from '../internal/pairwise-scorer.js';

export const PairwiseRewardOptions = z.strictObject({
  kind: z.literal('pairwise'),
  /** Resource name: a PairwisePreferenceModel, or a causal LM read at the verdict tokens (needs `tokenizer`). */
  model: z.string().min(1),
  /** Resource name of the tokenizer, when `model` is a causal LM. */
  tokenizer: z.string().min(1).optional(),
  ...LanguageModelJudgeOptions.shape,
  ...PairwiseConversionOptions,
});
export type PairwiseRewardOptions = z.output<typeof PairwiseRewardOptions>;

/** The `pairwise` kind. Example: `{ kind: 'pairwise', model: 'ranker', tokenizer: 'ranker-tok' }`. */
export const pairwiseReward = defineRewardKind({
  kind: 'pairwise',
  options: PairwiseRewardOptions,
  requires: (options) => baselineColumns(options.baseline),
  create(options, ctx): RewardScorer {
    const where = `reward kind pairwise (model "${options.model}")`;
    const resource = ctx.resources.get(options.model);
    if (resource === undefined) {
      throw new ConfigError(where, `no resource named "${options.model}" (resources: ${[...ctx.resources.keys()].join(', ') || 'none'})`);
    }
    const model: PairwisePreferenceModel = isPairwisePreferenceModel(resource) ? resource : languageModelJudgeFrom(resource, options, ctx, where);
    return pairwiseScorer(model, options);
  },
});
