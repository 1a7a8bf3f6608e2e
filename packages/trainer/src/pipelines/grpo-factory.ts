/**
 * `grpo(options)`: the `grpo` pipeline as a TS function — the same schema as
 * `pipeline: { name: grpo, … }` in YAML — with its stage list and a `run` that starts a run.
 */
import type { StageSpec } from '@prefstream/core';
import type { z } from 'zod';
import type { RunConfigInput } from '../run/run-config.js';
import { runPipeline, type RunHooks, type RunResult } from '../run/run-pipeline.js';
import type { GrpoOptions } from './grpo.js';
import { resolvePipeline, type PipelineConfig } from './pipeline-registry.js';

/** A configured `grpo` pipeline, checked against its schema when made. */
export interface GrpoPipeline {
  readonly config: PipelineConfig;
  /** The stage specs with defaults filled in. */
  readonly stages: readonly StageSpec[];
  run(config: Omit<RunConfigInput, 'pipeline'>, hooks?: RunHooks): Promise<RunResult>;
}

/**
 * @example
 * await grpo({ numGenerations: 8, beta: 0.04, iterations: 2 }).run({ model: { dir: 'sft' }, data: { path: 'prompts.jsonl' }, output: 'runs/grpo' }, { resources: { gold } });
 */
export function grpo(options: z.input<typeof GrpoOptions> = {}): GrpoPipeline {
  const config = { name: 'grpo', ...options };
  const { stages } = resolvePipeline(config, 'pipeline grpo');
  return { config, stages, run: (rest, hooks) => runPipeline({ ...rest, pipeline: config }, hooks) };
}
