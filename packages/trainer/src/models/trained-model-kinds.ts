/**
 * How a run turns its causal LM into the model a pipeline trains, for the kinds that wrap the LM
 * (a registry by {@link TrainedModel}; `policy` uses the LM as is and `reward-model` is built in
 * the run's resource loader): `policy-value` → {@link PolicyWithValueHead}, `pairwise-judge` →
 * `PairwiseJudge` with the pipeline's template and verdicts. On resume, the checkpoint's weights
 * (and value head) replace the initial ones.
 */
import { CausalLM, type Tokenizer } from '@prefstream/model';
import { LanguageModelJudgeOptions, PairwiseJudge } from '@prefstream/reward';
import type { TrainedModel } from '../pipelines/pipeline-kind.js';
import { PolicyWithValueHead } from './policy-with-value-head.js';

/** What a wrapper gets from the run. */
export interface TrainedModelInputs {
  /** The initial LM; the wrapper takes ownership (and frees it when resuming from a checkpoint). */
  readonly lm: CausalLM;
  readonly tokenizer: Tokenizer;
  /** The run config's `pipeline` object (options as written). */
  readonly pipeline: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** The checkpoint to resume from. */
  readonly checkpointDir: string | undefined;
}

/** The trained model as the run uses it: trainable weights and an HF directory writer. */
export type WrappedModel = PolicyWithValueHead | PairwiseJudge;

/** Wrappers by trained-model kind. */
export const TRAINED_MODEL_WRAPPERS: Readonly<Partial<Record<TrainedModel, (inputs: TrainedModelInputs) => Promise<WrappedModel>>>> = {
  'policy-value': async ({ lm, tokenizer, seed, checkpointDir }) => {
    if (!checkpointDir) return PolicyWithValueHead.fromLanguageModel(lm, seed);
    lm.dispose();
    return PolicyWithValueHead.load(checkpointDir, { tokenizer, seed });
  },
  'pairwise-judge': async ({ lm, tokenizer, pipeline, checkpointDir }) => {
    const { template, verdicts } = pipeline as { template?: string; verdicts?: [string, string] };
    const options = LanguageModelJudgeOptions.parse({ template, verdicts });
    if (!checkpointDir) return PairwiseJudge.fromLanguageModel(lm, tokenizer, options);
    lm.dispose();
    return PairwiseJudge.fromLanguageModel(await CausalLM.load(checkpointDir, { tokenizer }), tokenizer, options);
  },
};
