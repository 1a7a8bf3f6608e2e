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
import { isPairwisePreferenceModel, type PairwiseItem, type PairwisePreferenceModel } from '../pairwise-preference-model.js';
import { PREFERENCE_EPSILON, positionConsistent, preferenceToReward, symmetricPreference } from '../pairwise-preference.js';
import { BaselineOptions, baselineColumns, baselinesOf } from '../internal/baseline.js';
import { LanguageModelJudgeOptions, languageModelJudgeFrom } from '../internal/language-model-judge.js';

export const PairwiseRewardOptions = z.strictObject({
  kind: z.literal('pairwise'),
  /** Resource name: a PairwisePreferenceModel, or a causal LM read at the verdict tokens (needs `tokenizer`). */
  model: z.string().min(1),
  /** Resource name of the tokenizer, when `model` is a causal LM. */
  tokenizer: z.string().min(1).optional(),
  ...LanguageModelJudgeOptions.shape,
  baseline: BaselineOptions,
  /** `logit` (RSO Eq. 7, default) or `centered` (P_sym − ½, Pairwise-RL). */
  conversion: z.enum(['logit', 'centered']).default('logit'),
  /** P is clamped to [ε, 1 − ε] before the logit; 1e-6 bounds rewards at ±13.8155. */
  epsilon: z.number().gt(0).lt(0.5).default(PREFERENCE_EPSILON),
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
    return {
      async score(rows, signal) {
        const baselines = baselinesOf(rows, options.baseline);
        const compared: number[] = [];
        const items: PairwiseItem[] = [];
        rows.completions.forEach((y, i) => {
          const b = baselines[i]!;
          // y = y_b: both orders are the same question, so P_sym = ½ exactly — no model call.
          if (y === b) return;
          compared.push(i);
          items.push({ prompt: rows.prompts[i]!, first: y, second: b }, { prompt: rows.prompts[i]!, first: b, second: y });
        });
        const p = items.length ? await model.preferFirst(items, signal) : new Float64Array(0);
        if (p.length !== items.length) throw new Error(`pairwise model returned ${p.length} probabilities for ${items.length} comparisons`);
        const preference = new Float64Array(rows.completions.length).fill(0.5);
        let consistent = 0;
        compared.forEach((row, k) => {
          const yFirst = p[2 * k]!;
          const bFirst = p[2 * k + 1]!;
          if (!(yFirst >= 0 && yFirst <= 1 && bFirst >= 0 && bFirst <= 1)) {
            throw new Error(`pairwise model gave probabilities (${yFirst}, ${bFirst}) outside [0, 1] for prompt_id "${rows.promptIds[row]}" (row ${row})`);
          }
          preference[row] = symmetricPreference(yFirst, bFirst);
          if (positionConsistent(yFirst, bFirst)) consistent++;
        });
        const rewards = preference.map((q) => (options.conversion === 'logit' ? preferenceToReward(q, options.epsilon) : q - 0.5));
        const metrics: Record<string, number> = {};
        if (compared.length) metrics['reward/position_consistency'] = consistent / compared.length;
        return { rewards, metrics };
      },
    };
  },
});
