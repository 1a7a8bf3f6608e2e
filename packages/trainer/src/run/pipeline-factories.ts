/**
 * The pipelines as TS functions: `dpo({ beta: 0.1 })` gives the same pipeline as
 * `pipeline: { name: dpo, beta: 0.1 }` in YAML or JSON (same schema), with its stage list to
 * inspect or edit and a `run` that starts a run of it.
 */
import type { StageSpec } from '@prefstream/core';
import type { z } from 'zod';
import type { CopgOptions } from '../pipelines/copg.js';
import type { CrlftOptions } from '../pipelines/crlft.js';
import type { CustomOptions } from '../pipelines/custom.js';
import type { DpoOptions } from '../pipelines/dpo.js';
import type { GrpoOptions } from '../pipelines/grpo.js';
import type { PairwisePpoOptions } from '../pipelines/pairwise-ppo.js';
import type { PairwiseRmOptions } from '../pipelines/pairwise-rm.js';
import { resolvePipeline, type PipelineConfig } from '../pipelines/pipeline-registry.js';
import type { RewardModelOptions } from '../pipelines/reward-model.js';
import type { RsoOptions } from '../pipelines/rso.js';
import type { SftOptions } from '../pipelines/sft.js';
import type { SlicOptions } from '../pipelines/slic.js';
import type { RunConfigInput } from './run-config.js';
import { runPipeline, type RunHooks, type RunResult } from './run-pipeline.js';

/** A configured pipeline, checked against its schema when made. */
export interface Pipeline {
  /** `{ name, …options }`, as it would be written in YAML. */
  readonly config: PipelineConfig;
  /** The stage specs with defaults filled in. */
  readonly stages: readonly StageSpec[];
  /** Runs it: `await dpo({ beta: 0.1 }).run({ model, data, output })`. */
  run(config: Omit<RunConfigInput, 'pipeline'>, hooks?: RunHooks): Promise<RunResult>;
}

function factory<S extends z.ZodType>(name: string): (options?: z.input<S>) => Pipeline {
  return (options = {} as z.input<S>) => {
    const config = { name, ...(options as object) };
    const { stages } = resolvePipeline(config, `pipeline ${name}`);
    return { config, stages, run: (rest, hooks) => runPipeline({ ...rest, pipeline: config }, hooks) };
  };
}

/** @example const run = await sft().run({ model: { dir: 'gpt2' }, data: { path: 'sft.jsonl' }, output: 'runs/sft' }); */
export const sft = factory<typeof SftOptions>('sft');
/** @example rewardModel({ centerRewardsCoefficient: 0.01 }).stages */
export const rewardModel = factory<typeof RewardModelOptions>('reward-model');
/** @example await dpo({ beta: 0.1 }).run({ model: { dir: 'sft' }, data: { path: 'pairs.jsonl' }, output: 'runs/dpo' }) */
export const dpo = factory<typeof DpoOptions>('dpo');
/** @example slic({ delta: 1, lambda: 0.5, n: 8 }) */
export const slic = factory<typeof SlicOptions>('slic');
/** @example rso({ n: 64, numSamples: 8, samplingBeta: 0.5, loss: 'rso-hinge-norm' }) */
export const rso = factory<typeof RsoOptions>('rso');
/** @example copg({ beta: 0.06 }) */
export const copg = factory<typeof CopgOptions>('copg');
/** @example crlft({ conditionColumn: 'source' }) */
export const crlft = factory<typeof CrlftOptions>('crlft');
/**
 * @example
 * await grpo({ numGenerations: 8, beta: 0.04, iterations: 2 }).run({ model: { dir: 'sft' }, data: { path: 'prompts.jsonl' }, output: 'runs/grpo' }, { resources: { gold } });
 */
export const grpo = factory<typeof GrpoOptions>('grpo');
/** @example await pairwiseRm().run({ model: { dir: 'sft' }, data: { path: 'pairs.jsonl' }, output: 'runs/judge' }) */
export const pairwiseRm = factory<typeof PairwiseRmOptions>('pairwise-rm');
/** @example pairwisePpo({ anchor: 'reference' }).stages */
export const pairwisePpo = factory<typeof PairwisePpoOptions>('pairwise-ppo');
/**
 * Any list of registered stages; swap one entry of a paper's list:
 * @example custom({ stages: rso().stages.map((s) => (s.kind === 'preferenceLoss' ? dpo().stages.find((d) => d.kind === 'preferenceLoss')! : s)) })
 */
export const custom = factory<typeof CustomOptions>('custom');
