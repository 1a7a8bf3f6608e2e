/**
 * `pairwiseVerdicts`: preference pairs → training rows for a generative pairwise judge (spec §7;
 * Pairwise-RL, arXiv 2504.04950). Each pair (x, y_w, y_l) becomes two rows, one per presentation
 * order, so the judge learns no position bias from the data:
 *   template(x, A = y_w, B = y_l) → verdict A,   template(x, A = y_l, B = y_w) → verdict B,
 * as `prompt_ids` (the filled template, encoded as the judge encodes it at inference) and
 * `completion_ids` (the one verdict token). `nllLoss` then trains the NLL of the verdict token.
 *
 * Before the rows go on, the judge (the model being trained, current weights) is asked both
 * orders of every pair, and the batch's verdict accuracy and position consistency are recorded.
 */
import { concatMap } from 'rxjs';
import { z } from 'zod';
import { COLUMNS, ConfigError, defineStage, readStrings, StageError, takeRows, tokenListVector, withColumns, type Batch, type StageContext } from '@prefstream/core';
import { PairwiseJudge, positionConsistent, symmetricPreference, type PairwiseItem } from '@prefstream/reward';

const STAGE = 'pairwiseVerdicts';

/** Options of {@link pairwiseVerdicts}. @example PairwiseVerdictsOptions.parse({ judge: 'policy' }) */
export const PairwiseVerdictsOptions = z.strictObject({
  judge: z.string().min(1).default('policy').describe('Resource name of the PairwiseJudge being trained (its template and verdicts are used).'),
  chosen: z.string().min(1).default(COLUMNS.chosen).describe('Text column of the preferred response.'),
  rejected: z.string().min(1).default(COLUMNS.rejected).describe('Text column of the other response.'),
});
/** Parsed {@link PairwiseVerdictsOptions}. */
export type PairwiseVerdictsOptions = z.output<typeof PairwiseVerdictsOptions>;

function judgeOf(ctx: StageContext, name: string): PairwiseJudge {
  const value = ctx.resources.get(name);
  if (!(value instanceof PairwiseJudge)) {
    const present = [...ctx.resources.keys()].join(', ') || 'none';
    throw new ConfigError(`stage ${STAGE}`, `option judge: resource "${name}" is not a PairwiseJudge (resources: ${present}); the pairwise-rm pipeline trains one`);
  }
  return value;
}

/**
 * Stage definition (kind `pairwiseVerdicts`, batch → batch of twice the rows, every input column
 * repeated). Metrics: `verdict/accuracy` (fraction of the 2B ordered comparisons whose
 * renormalized verdict probability names the preferred response), `verdict/position_consistency`
 * (fraction of pairs where both orders name the same winner), `verdict/p_chosen` (mean
 * P_sym(y_w ≻ y_l)).
 * @example
 * // YAML: - { kind: pairwiseVerdicts }  then  - { kind: nllLoss }
 */
export const pairwiseVerdicts = defineStage({
  kind: STAGE,
  options: PairwiseVerdictsOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [COLUMNS.prompt, o.chosen, o.rejected],
  produces: () => [COLUMNS.promptIds, COLUMNS.completionIds],
  create(o, ctx) {
    const judge = judgeOf(ctx, o.judge);
    const where = `stage ${STAGE}`;
    return concatMap(async (item, index) => {
      try {
        const batch = item as Batch;
        const prompts = readStrings(batch, COLUMNS.prompt, where);
        const chosen = readStrings(batch, o.chosen, where);
        const rejected = readStrings(batch, o.rejected, where);
        const items: PairwiseItem[] = prompts.flatMap((prompt, i) => [
          { prompt, first: chosen[i]!, second: rejected[i]!, promptId: `row ${i}` },
          { prompt, first: rejected[i]!, second: chosen[i]!, promptId: `row ${i}` },
        ]);
        const p = await judge.preferFirst(items, ctx.signal); // P(A) per ordered comparison
        let correct = 0;
        let consistent = 0;
        let pChosen = 0;
        for (let i = 0; i < prompts.length; i++) {
          const chosenFirst = p[2 * i]!;
          const rejectedFirst = p[2 * i + 1]!;
          correct += Number(chosenFirst > 0.5) + Number(rejectedFirst < 0.5);
          consistent += Number(positionConsistent(chosenFirst, rejectedFirst));
          pChosen += symmetricPreference(chosenFirst, rejectedFirst);
        }
        const n = Math.max(prompts.length, 1);
        ctx.metrics.record(
          { 'verdict/accuracy': correct / (2 * n), 'verdict/position_consistency': consistent / n, 'verdict/p_chosen': pChosen / n },
          { stage: STAGE, step: index },
        );
        const [a, b] = judge.verdictIds;
        return withColumns(takeRows(batch, Int32Array.from(items, (_, k) => k >> 1)), {
          [COLUMNS.promptIds]: tokenListVector(items.map((it) => judge.tokenizer.encode(judge.render(it)))),
          [COLUMNS.completionIds]: tokenListVector(items.map((_, k) => [k % 2 === 0 ? a : b])),
        });
      } catch (cause) {
        throw cause instanceof StageError ? cause : new StageError({ stage: STAGE, batchIndex: index, cause });
      }
    });
  },
});
