/**
 * Loads what a run's stages refer to by name into `ctx.resources`: `policy` (the trained model,
 * from the newest checkpoint when resuming; wrapped by `TRAINED_MODEL_WRAPPERS` for the
 * `policy-value` and `pairwise-judge` kinds), `reference` (frozen), `tokenizer`, `rewardModel`,
 * `judge` (a PairwiseJudge), the built-in reward function `completionLength`, and `optimizer`.
 */
import { ConfigError } from '@prefstream/core';
import { ByteTokenizer, CausalLM, CharTokenizer, loadTokenizer, parseModelConfig, type Tokenizer } from '@prefstream/model';
import { PairwiseJudge, RewardModel } from '@prefstream/reward';
import { TRAINED_MODEL_WRAPPERS, type WrappedModel } from '../../models/trained-model-kinds.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { TrainedModel } from '../../pipelines/pipeline-kind.js';
import type { CausalLMRunConfig, ModelSource, TokenizerSource } from '../run-config.js';
import { disposeOwned, withOptimizer } from './owned-resources.js';

/** The model a run trains: a CausalLM, or a RewardModel over one. Both save as HF directories. */
export type TrainedModelInstance = CausalLM | RewardModel | WrappedModel;

export interface RunResources {
  readonly map: Map<string, unknown>;
  readonly policy: TrainedModelInstance;
  readonly optimizer: Optimizer;
  readonly tokenizer: Tokenizer;
  /** Frees every model and the optimizer state. */
  dispose(): void;
}

/** A reward for sampling pipelines that needs no model: characters in the completion / 10. */
export const completionLength = (_prompt: string, completion: string): number => completion.length / 10;

async function loadCausalLM(source: ModelSource, seed: number): Promise<CausalLM> {
  if ('dir' in source) return CausalLM.load(source.dir);
  return CausalLM.random(parseModelConfig(source.random, 'run config model.random'), source.seed ?? seed);
}

async function loadTokenizerSource(source: TokenizerSource | undefined, model: ModelSource): Promise<Tokenizer> {
  if (source === undefined) {
    if (!('dir' in model)) throw new ConfigError('run config tokenizer', 'required when model is random (e.g. { kind: byte })');
    return loadTokenizer(model.dir);
  }
  if ('dir' in source) return loadTokenizer(source.dir);
  return source.kind === 'byte' ? new ByteTokenizer() : new CharTokenizer(source.alphabet);
}

/**
 * @param checkpointDir the checkpoint to resume from (its weights replace the initial ones).
 * @param needsReference whether a stage reads the `reference` resource.
 */
export async function loadRunResources(config: CausalLMRunConfig, trains: TrainedModel, needsReference: boolean, checkpointDir: string | undefined): Promise<RunResources> {
  const owned: { dispose(): void }[] = [];
  try {
    const tokenizer = await loadTokenizerSource(config.tokenizer, config.model);
    const lm = checkpointDir && trains === 'policy' ? await CausalLM.load(checkpointDir) : await loadCausalLM(config.model, config.seed);
    owned.push(lm);
    const vocab = (lm.config as { vocabSize: number }).vocabSize;
    if (tokenizer.vocabSize > vocab) {
      throw new ConfigError('run config tokenizer', `has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${vocab}`);
    }
    lm.tokenizer = tokenizer;
    let policy: TrainedModelInstance = lm;
    if (trains === 'reward-model') {
      policy = checkpointDir ? await RewardModel.load(checkpointDir, { tokenizer }) : RewardModel.fromLanguageModel(lm, config.seed);
      if (checkpointDir) lm.dispose();
      owned.push(policy);
    }
    const wrap = TRAINED_MODEL_WRAPPERS[trains];
    if (wrap) owned.push((policy = await wrap({ lm, tokenizer, pipeline: config.pipeline, seed: config.seed, checkpointDir })));
    const map = new Map<string, unknown>([
      ['policy', policy],
      ['tokenizer', tokenizer],
      ['completionLength', completionLength],
    ]);
    if (needsReference) {
      const reference = config.reference ? await CausalLM.load(config.reference) : await loadCausalLM(config.model, config.seed);
      owned.push(reference);
      reference.tokenizer = tokenizer;
      map.set('reference', reference);
    }
    if (config.rewardModel) {
      const rewardModel = await RewardModel.load(config.rewardModel, { tokenizer });
      owned.push(rewardModel);
      map.set('rewardModel', rewardModel);
    }
    if (config.judge) {
      const judge = await PairwiseJudge.load(config.judge);
      owned.push(judge);
      map.set('judge', judge);
    }
    return withOptimizer(config, map, policy, tokenizer, owned);
  } catch (error) {
    disposeOwned(owned);
    throw error;
  }
}
