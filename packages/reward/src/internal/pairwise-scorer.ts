/**
 * Scores rows with a pairwise preference model against a baseline response (RSO Eq. 7, spec §7):
 * both orders are asked, averaged into P_sym, then converted to a pointwise reward. Shared by the
 * `pairwise` kind (a local LM) and the `remote-judge` kind in compare mode.
 */
import { z } from 'zod';
import type { PairwiseItem, PairwisePreferenceModel } from '../pairwise-preference-model.js';
import { PREFERENCE_EPSILON, positionConsistent, preferenceToReward, symmetricPreference } from '../pairwise-preference.js';
import type { RewardScorer } from '../reward-kind.js';
import { BaselineOptions, baselinesOf } from './baseline.js';

export const PairwiseConversionOptions = {
  baseline: BaselineOptions,
  /** `logit` (RSO Eq. 7, default) or `centered` (P_sym − ½, Pairwise-RL). */
  conversion: z.enum(['logit', 'centered']).default('logit'),
  /** P is clamped to [ε, 1 − ε] before the logit; 1e-6 bounds rewards at ±13.8155. */
  epsilon: z.number().gt(0).lt(0.5).default(PREFERENCE_EPSILON),
};

export interface PairwiseConversion {
  baseline: BaselineOptions;
  conversion: 'logit' | 'centered';
  epsilon: number;
}

export function pairwiseScorer(model: PairwisePreferenceModel, options: PairwiseConversion): RewardScorer {
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
        const prompt = rows.prompts[i]!;
        const promptId = rows.promptIds[i]!;
        items.push({ prompt, first: y, second: b, promptId }, { prompt, first: b, second: y, promptId });
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
}
