/**
 * The pipeline registry (name → pipeline kind) and the config schema that selects one:
 * `{ name: dpo, beta: 0.1, … }` in YAML, JSON or TS alike. Adding a pipeline is a new file and a
 * line here.
 */
import { z } from 'zod';
import { ConfigError, type StageSpec } from '@prefstream/core';
import { copgPipeline } from './copg.js';
import { crlftPipeline } from './crlft.js';
import { customPipeline } from './custom.js';
import { dpoPipeline } from './dpo.js';
import { grpoPipeline } from './grpo.js';
import type { PipelineKind, TrainedModel } from './pipeline-kind.js';
import { pairwisePpoPipeline } from './pairwise-ppo.js';
import { pairwiseRmPipeline } from './pairwise-rm.js';
import { rewardModelPipeline } from './reward-model.js';
import { rsoPipeline } from './rso.js';
import { sftPipeline } from './sft.js';
import { slicPipeline } from './slic.js';

/** Every pipeline kind, by name. */
export const PIPELINES: ReadonlyMap<string, PipelineKind> = new Map(
  ([sftPipeline, rewardModelPipeline, dpoPipeline, slicPipeline, rsoPipeline, copgPipeline, crlftPipeline, customPipeline, pairwiseRmPipeline, pairwisePpoPipeline, grpoPipeline] as PipelineKind[]).map((p) => [p.name, p]),
);

/** A pipeline as configured: `name` plus that pipeline's options. */
export const PipelineConfig = z.looseObject({ name: z.string().min(1) });
export type PipelineConfig = z.output<typeof PipelineConfig>;

/** A pipeline config resolved against the registry. */
export interface ResolvedPipeline {
  readonly name: string;
  /** Parsed options with every default filled in. */
  readonly options: Record<string, unknown>;
  readonly stages: StageSpec[];
  readonly trains: TrainedModel;
}

/**
 * Looks `config.name` up and parses the rest with that pipeline's strict schema. Unknown names
 * list the registered ones; unknown option keys list the pipeline's valid keys.
 *
 * @example resolvePipeline({ name: 'dpo', beta: 0.1 }).stages.map((s) => s.kind);
 * // ['tokenize', 'referenceLogps', 'preferenceLoss', 'applyUpdates']
 */
export function resolvePipeline(config: unknown, where = 'pipeline'): ResolvedPipeline {
  const head = PipelineConfig.safeParse(config);
  if (!head.success) throw new ConfigError(where, `needs a name (valid names: ${[...PIPELINES.keys()].join(', ')})`);
  const { name, ...rest } = head.data;
  const kind = PIPELINES.get(name);
  if (!kind) throw new ConfigError(`${where}.name`, `unknown pipeline "${name}" (valid names: ${[...PIPELINES.keys()].join(', ')})`);
  const parsed = kind.options.safeParse(rest);
  if (!parsed.success) {
    const shape = (kind.options as { shape?: Record<string, unknown> }).shape ?? {};
    const unknown = parsed.error.issues.some((i) => i.code === 'unrecognized_keys');
    const hint = unknown ? ` (valid keys: name, ${Object.keys(shape).join(', ')})` : '';
    throw new ConfigError(`${where} ${name}`, `invalid options${hint}\n${z.prettifyError(parsed.error)}`, parsed.error);
  }
  const options = parsed.data as Record<string, unknown>;
  return { name, options, stages: kind.stages(options), trains: kind.trains(options) };
}
