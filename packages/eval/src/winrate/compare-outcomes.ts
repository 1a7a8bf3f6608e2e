import { z } from 'zod';
import type { Outcome } from './win-rate.js';

/** Options of `compareByReward` and `compareByPreference`. */
export const CompareOptions = z.strictObject({
  /**
   * compareByReward: |r_policy − r_reference| ≤ tieMargin is a tie (reward units).
   * compareByPreference: p within 0.5 ± tieMargin is a tie.
   */
  tieMargin: z.number().min(0).default(0),
});
export type CompareOptions = z.input<typeof CompareOptions>;

/**
 * Per-prompt outcomes from a reward judge (a RewardModel's or a gold reward): the policy wins
 * prompt i when its completion's reward exceeds the reference's by more than tieMargin.
 *
 * @example
 * compareByReward([1, 0.2, 3], [0.5, 0.25, 3], { tieMargin: 0.1 }); // ['win', 'tie', 'tie']
 */
export function compareByReward(
  policyRewards: ArrayLike<number>,
  referenceRewards: ArrayLike<number>,
  options: CompareOptions = {},
): Outcome[] {
  const { tieMargin } = CompareOptions.parse(options);
  if (policyRewards.length !== referenceRewards.length) {
    throw new Error(`compareByReward: ${policyRewards.length} policy rewards but ${referenceRewards.length} reference rewards`);
  }
  const out: Outcome[] = [];
  for (let i = 0; i < policyRewards.length; i++) {
    const a = policyRewards[i]!;
    const b = referenceRewards[i]!;
    if (!Number.isFinite(a)) throw new Error(`compareByReward: policy reward ${i} is ${a}`);
    if (!Number.isFinite(b)) throw new Error(`compareByReward: reference reward ${i} is ${b}`);
    const d = a - b;
    out.push(d > tieMargin ? 'win' : d < -tieMargin ? 'loss' : 'tie');
  }
  return out;
}

/**
 * Per-prompt outcomes from a pairwise preference model whose two orders are already averaged
 * (`symmetricPreference` from '@prefstream/reward'): pSym[i] = P(policy ≻ reference).
 *
 * @example
 * compareByPreference([0.9, 0.52, 0.1], { tieMargin: 0.05 }); // ['win', 'tie', 'loss']
 */
export function compareByPreference(pSym: ArrayLike<number>, options: CompareOptions = {}): Outcome[] {
  const { tieMargin } = CompareOptions.parse(options);
  if (tieMargin > 0.5) throw new Error(`compareByPreference: tieMargin ${tieMargin} > 0.5 makes every outcome a tie`);
  const out: Outcome[] = [];
  for (let i = 0; i < pSym.length; i++) {
    const p = pSym[i]!;
    if (!(p >= 0 && p <= 1)) throw new Error(`compareByPreference: preference ${i} is ${p}; must be in [0, 1]`);
    out.push(p > 0.5 + tieMargin ? 'win' : p < 0.5 - tieMargin ? 'loss' : 'tie');
  }
  return out;
}
