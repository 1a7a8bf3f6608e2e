/**
 * How a run gets its trained model and resources, by `policy.kind` (a registry): `causal-lm` —
 * the `model:` source (Hugging Face directory or random config), see load-resources.ts;
 * `tabular` — a tabular policy over the arms of bandit data, see bandit/tabular-resources.ts.
 */
import type { Tokenizer } from '@prefstream/model';
import type { Variable } from '@prefstream/core';
import { loadTabularResources } from '../../bandit/tabular-resources.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { TrainedModel } from '../../pipelines/pipeline-kind.js';
import type { CausalLMRunConfig, RunConfig } from '../run-config.js';
import { loadRunResources } from './load-resources.js';

/** The trained model as the run uses it: checkpoints and `final/` call `save`. */
export interface RunPolicy {
  trainableVariables(): ReadonlyMap<string, Variable>;
  save(dir: string): Promise<void>;
}

/** What a policy kind loads. */
export interface LoadedResources {
  readonly map: Map<string, unknown>;
  readonly policy: RunPolicy;
  readonly optimizer: Optimizer;
  readonly tokenizer: Tokenizer;
  /** Frees every model and the optimizer state. */
  dispose(): void;
}

/** Loads a run's resources; `checkpointDir` is the checkpoint to resume from. */
export type PolicyKind = (config: RunConfig, trains: TrainedModel, needsReference: boolean, checkpointDir: string | undefined) => Promise<LoadedResources>;

/** Policy kinds by name; `causal-lm` when the config has `model:` instead of `policy:`. */
export const POLICY_KINDS: ReadonlyMap<string, PolicyKind> = new Map<string, PolicyKind>([
  // parseRunConfig guarantees `model` when there is no `policy`
  ['causal-lm', (config, ...rest) => loadRunResources(config as CausalLMRunConfig, ...rest)],
  ['tabular', loadTabularResources],
]);

/** The resources of `config`'s policy kind. */
export function loadPolicyResources(config: RunConfig, trains: TrainedModel, needsReference: boolean, checkpointDir: string | undefined): Promise<LoadedResources> {
  return POLICY_KINDS.get(config.policy?.kind ?? 'causal-lm')!(config, trains, needsReference, checkpointDir);
}
