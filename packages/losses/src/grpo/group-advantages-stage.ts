/**
 * `groupAdvantages`: GRPO's group-relative advantages (DeepSeekMath arXiv 2402.03300 §4.1.2) from
 * the `reward` of each sampled completion and the group it belongs to (`prompt_id`), with TRL's
 * `scale_rewards` (group | batch | none) and Bessel std — see {@link computeGroupAdvantages}. All completions of a prompt travel in one batch (DESIGN §3), so each batch
 * holds whole groups.
 *
 * Metrics per batch, under TRL's names: `reward` (mean), `reward_std` (Bessel std over the
 * batch), `frac_reward_zero_std` (share of completions whose scaling std is 0, i.e. of groups
 * that carry no learning signal when groups are equal in size).
 */
import { concatMap, of, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { COLUMNS, DataError, defineStage, float32Vector, readFloat32, readStrings, StageError, withColumns, type Batch, type FlowItem } from '@prefstream/core';
import { ADVANTAGES } from './grpo-loss-options.js';
import { computeGroupAdvantages, meanAndStd, SCALE_REWARDS } from './group-advantages.js';

const STAGE = 'groupAdvantages';

/** Options of {@link groupAdvantages}. @example GroupAdvantagesOptions.parse({ scaleRewards: 'batch' }) */
export const GroupAdvantagesOptions = z.strictObject({
  scaleRewards: z.enum(SCALE_REWARDS).default('group').describe('Divide the centered reward by the group\'s std, the batch\'s std, or nothing (TRL `scale_rewards`).'),
  rewardColumn: z.string().min(1).default(COLUMNS.reward).describe('Float32 column of the scalar rewards.'),
  groupColumn: z.string().min(1).default(COLUMNS.promptId).describe('Column whose value names the group (the prompt).'),
  output: z.string().min(1).default(ADVANTAGES).describe('Float32 column written.'),
});
/** Parsed {@link GroupAdvantagesOptions}. */
export type GroupAdvantagesOptions = z.output<typeof GroupAdvantagesOptions>;

/**
 * Stage definition (kind `groupAdvantages`, batch → batch): `prompt_id`, `reward` → `advantages`.
 * @example
 * // YAML: - { kind: groupAdvantages, scaleRewards: group }
 * scored$.pipe(groupAdvantages.create(GroupAdvantagesOptions.parse({}), ctx));
 */
export const groupAdvantages = defineStage({
  kind: STAGE,
  options: GroupAdvantagesOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [o.groupColumn, o.rewardColumn],
  produces: (o) => [o.output],
  create(o, ctx): OperatorFunction<FlowItem, FlowItem> {
    const where = `stage ${STAGE}`;
    return concatMap((item, index) => {
      try {
        const batch = item as Batch;
        const ids = readStrings(batch, o.groupColumn, where);
        const rewards = readFloat32(batch, o.rewardColumn, where);
        rewards.forEach((r, row) => {
          if (!Number.isFinite(r)) throw new DataError({ file: where, row, field: o.rewardColumn, message: `non-finite reward ${r}` });
        });
        const { advantages, zeroStd } = computeGroupAdvantages(ids, rewards, o.scaleRewards);
        const all = meanAndStd(rewards, Array.from({ length: rewards.length }, (_, i) => i));
        if (rewards.length > 0) {
          ctx.metrics.record({ reward: all.mean, reward_std: all.std, frac_reward_zero_std: zeroStd.filter(Boolean).length / zeroStd.length }, { stage: STAGE });
        }
        return of<FlowItem>(withColumns(batch, { [o.output]: float32Vector(Float32Array.from(advantages)) }));
      } catch (cause) {
        throw cause instanceof StageError ? cause : new StageError({ stage: STAGE, batchIndex: index, cause });
      }
    });
  },
});
