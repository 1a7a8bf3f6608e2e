/**
 * A registered pipeline kind: its options schema and the function from parsed options to the list
 * of stage specs (DESIGN §4) — nothing else. Runs add the resources, the data and the optimizer.
 */
import type { StageSpec } from '@prefstream/core';
import type { z } from 'zod';

/**
 * What the pipeline trains: the causal LM itself, a Bradley–Terry reward model on top of it, a
 * generative pairwise judge (`PairwiseJudge`, pairwise-rm) or a policy with a value head
 * (`PolicyWithValueHead`, pairwise-ppo).
 */
export type TrainedModel = 'policy' | 'reward-model' | 'pairwise-judge' | 'policy-value';

export interface PipelineKind<S extends z.ZodType = z.ZodType> {
  /** The name in configs (`pipeline: { name: dpo, … }`), after the paper. */
  readonly name: string;
  /** Options: the type, the defaults and the docs. A `z.strictObject`. */
  readonly options: S;
  /** The stage specs, in order, ending with `applyUpdates`. */
  stages(options: z.output<S>): StageSpec[];
  /** What a run with these options trains. */
  trains(options: z.output<S>): TrainedModel;
}

/** Keeps the options type when declaring a pipeline kind. */
export function definePipelineKind<S extends z.ZodType>(kind: PipelineKind<S>): PipelineKind<S> {
  return kind;
}
