/**
 * Generative pairwise reward model (spec §7; Pairwise-RL, arXiv 2504.04950): read preference
 * pairs → `pairwiseVerdicts` (each pair in both orders through the judge template, target = the
 * verdict token naming the preferred response) → `nllLoss` (NLL of the verdict token) → update.
 * Trains a `PairwiseJudge`: its directories (checkpoints and `final/`) hold the template and
 * verdicts in `pairwise_judge.json`, so `judge: <dir>` in a run config loads it with no flags.
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { LanguageModelJudgeOptions } from '@prefstream/reward';
import { definePipelineKind } from './pipeline-kind.js';

/** Options of the `pairwise-rm` pipeline. */
export const PairwiseRmOptions = z.strictObject({
  template: LanguageModelJudgeOptions.shape.template.describe('Judge prompt with {prompt}, {a}, {b}; saved with the weights.'),
  verdicts: LanguageModelJudgeOptions.shape.verdicts.describe('The two one-token verdicts (A, B); saved with the weights.'),
});
export type PairwiseRmOptions = z.output<typeof PairwiseRmOptions>;

/** The `pairwise-rm` pipeline kind. */
export const pairwiseRmPipeline = definePipelineKind({
  name: 'pairwise-rm',
  options: PairwiseRmOptions,
  trains: () => 'pairwise-judge',
  stages: (): StageSpec[] => [{ kind: 'pairwiseVerdicts' }, { kind: 'nllLoss' }, { kind: 'applyUpdates' }],
});
