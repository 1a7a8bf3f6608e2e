/**
 * The configuration of one training run (`prefstream run <config.yaml>`, or `runPipeline(config)`
 * from TS): which pipeline, on which model and data, with which optimizer, written where.
 * Strict: an unknown key anywhere is an error that lists the valid keys.
 */
import { z } from 'zod';
import { ConfigError } from '@prefstream/core';
import { BanditDataConfig, checkBanditData } from '../bandit/bandit-data-config.js';
import { OptimizerConfig } from '../optim/optimizer-config.js';
import { PipelineConfig } from '../pipelines/pipeline-registry.js';

/** A Hugging Face model directory, or a randomly initialized model from a `config.json` object. */
export const ModelSource = z.union([
  z.strictObject({ dir: z.string().min(1).describe('Hugging Face model directory (config.json + safetensors).') }),
  z.strictObject({
    random: z.record(z.string(), z.unknown()).describe('A config.json object, e.g. { model_type: gpt2, vocab_size: 260, n_embd: 16, n_layer: 1, n_head: 2 }.'),
    seed: z.int().min(0).optional().describe('Initialization seed; default the run seed.'),
  }),
]);
export type ModelSource = z.output<typeof ModelSource>;

/** A tokenizer directory, or one of the toy tokenizers (tests and examples). */
export const TokenizerSource = z.union([
  z.strictObject({ dir: z.string().min(1).describe('Directory with tokenizer.json / prefstream_tokenizer.json.') }),
  z.strictObject({ kind: z.literal('byte').describe('Bytes 0–255 + <|endoftext|> (eos) + <|pad|>: vocabulary 258.') }),
  z.strictObject({ kind: z.literal('char'), alphabet: z.string().min(1).describe('Characters of the vocabulary, in id order.') }),
]);
export type TokenizerSource = z.output<typeof TokenizerSource>;

/** Rows from a file (`kind: file`, the default). */
export const FileDataConfig = z.strictObject({
  kind: z.literal('file').optional(),
  path: z.string().min(1).describe('JSONL, Parquet or Arrow IPC file (format by extension).'),
  groupBy: z.string().min(1).optional().describe('Keep rows of one group (e.g. prompt_id) in one batch.'),
});

/** Where the rows come from: a file, or rows generated in memory from a bandit (`kind: bandit`). */
export const DataConfig = z.discriminatedUnion('kind', [FileDataConfig, BanditDataConfig]);

/** The policy when it is not a `model:` (a causal LM). */
export const PolicyConfig = z.strictObject({
  kind: z.literal('tabular').describe('A tabular softmax policy over the arms of `data: { kind: bandit }`.'),
  init: z.enum(['reference', 'uniform']).default('reference').describe('Initial logits: log π_ref, or zeros.'),
});

export const RunConfig = z.strictObject({
  pipeline: PipelineConfig.describe('`{ name, …options }` of a registered pipeline (sft, reward-model, dpo, slic, rso, copg, crlft, grpo, pairwise-rm, pairwise-ppo, custom).'),
  model: ModelSource.optional().describe('The policy to train (or the LM under the reward head for reward-model); exclusive with `policy`.'),
  policy: PolicyConfig.optional().describe('`{ kind: tabular }` for bandit runs; exclusive with `model`.'),
  reference: z.string().min(1).optional().describe('Reference model directory; default a frozen copy of the initial policy.'),
  tokenizer: TokenizerSource.optional().describe('Default: the tokenizer in model.dir.'),
  rewardModel: z.string().min(1).optional().describe('RewardModel directory, loaded as resource `rewardModel` (reward kind bradley-terry).'),
  judge: z.string().min(1).optional().describe('PairwiseJudge directory (trained by pairwise-rm), loaded as resource `judge` (reward kind pairwise, model: judge).'),
  data: DataConfig,
  optimizer: OptimizerConfig.prefault({ name: 'adamw' }).describe('Optimizer (default adamw with its defaults).'),
  output: z.string().min(1).describe('Run directory: metrics.jsonl, config.resolved.yaml, checkpoint-*/, final/, samples.jsonl.'),
  seed: z.int().min(0).default(0),
  epochs: z.int().positive().default(1),
  maxSteps: z.int().positive().optional().describe('Stop after this many optimizer updates.'),
  batchRows: z.int().positive().default(8).describe('Rows per micro-batch read from the data.'),
  gradientAccumulationSteps: z.int().positive().default(1),
  checkpoint: z
    .strictObject({
      every: z.int().positive().optional().describe('Save a checkpoint every N updates (and on SIGINT).'),
      keepLast: z.int().positive().optional().describe('Keep the newest N checkpoints (HF save_total_limit).'),
    })
    .default({}),
  evaluation: z.strictObject({ every: z.int().positive().describe('Call the evaluate hook every N updates.') }).optional(),
  logSamples: z
    .strictObject({
      every: z.int().positive().describe('Append rows of the last batch to samples.jsonl every N updates.'),
      rows: z.int().positive().default(4),
    })
    .optional(),
  resume: z.boolean().default(false).describe('Continue from the newest checkpoint in `output` (weights, optimizer, RNG, stream position).'),
});
/** Parsed run config (defaults filled in). */
export type RunConfig = z.output<typeof RunConfig>;
/** A run config whose policy is a causal LM (`model:` set). */
export type CausalLMRunConfig = RunConfig & { model: ModelSource };
/** Run config as written. */
export type RunConfigInput = z.input<typeof RunConfig>;

/**
 * The object schema inside defaults / optionals, or undefined for other kinds; for a union
 * discriminated on `kind` (e.g. `data`), the option whose `kind` accepts `value.kind`.
 */
function objectShape(schema: z.ZodType | undefined, value: unknown): Record<string, z.ZodType> | undefined {
  let s = schema as (z.ZodType & { shape?: Record<string, z.ZodType> }) | undefined;
  for (let i = 0; s && !s.shape && i < 8; i++) {
    const def = s._zod.def as { innerType?: z.ZodType; options?: z.ZodType[] };
    const kind = (value as { kind?: unknown } | undefined)?.kind;
    s = (def.options?.find((o) => (o as { shape?: { kind?: z.ZodType } }).shape?.kind?.safeParse(kind).success) ?? def.innerType) as typeof s;
  }
  return s?.shape;
}

/**
 * Parses a run config; a {@link ConfigError} naming `where`, with the valid keys of the object
 * that holds an unknown key.
 * @example parseRunConfig(YAML.parse(text), 'runs/dpo.yaml')
 */
export function parseRunConfig(input: unknown, where = 'run config'): RunConfig {
  const result = RunConfig.safeParse(input);
  if (result.success) return checkPolicyAndData(result.data, where);
  const hints: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let shape: Record<string, z.ZodType> | undefined = RunConfig.shape;
    let value = input as Record<string, unknown> | undefined;
    for (const key of issue.path) {
      value = value?.[String(key)] as Record<string, unknown> | undefined;
      shape = objectShape(shape?.[String(key)], value);
    }
    const at = issue.path.length ? issue.path.join('.') : 'top level';
    if (shape) hints.push(`valid keys at ${at}: ${Object.keys(shape).join(', ')}`);
  }
  return fail(where, `invalid run config${hints.length ? ` (${hints.join('; ')})` : ''}\n${z.prettifyError(result.error)}`, result.error);
}

/** `model` xor `policy`; a tabular policy needs bandit data and bandit data a tabular policy. */
function checkPolicyAndData(config: RunConfig, where: string): RunConfig {
  if (config.model && config.policy) throw new ConfigError(`${where} policy`, 'set either `model` (a causal LM) or `policy` (e.g. { kind: tabular }), not both');
  if (!config.model && !config.policy) throw new ConfigError(`${where} model`, 'required: the policy to train (`model: { dir }` or `{ random }`, or `policy: { kind: tabular }` with bandit data)');
  const bandit = config.data.kind === 'bandit';
  if (config.policy?.kind === 'tabular' && !bandit) throw new ConfigError(`${where} policy`, 'kind tabular needs `data: { kind: bandit, … }` (its arms are the tabular actions)');
  if (bandit && config.policy?.kind !== 'tabular') throw new ConfigError(`${where} data`, 'kind bandit needs `policy: { kind: tabular }` (a language model has no table of arm probabilities to score)');
  if (config.data.kind === 'bandit') {
    checkBanditData(config.data, `${where} data`);
    for (const key of ['tokenizer', 'reference', 'rewardModel'] as const) {
      if (config[key] !== undefined) throw new ConfigError(`${where} ${key}`, 'not used by a tabular bandit run (its tokenizer, reference and reward come from `data`)');
    }
  }
  return config;
}

function fail(where: string, message: string, cause: unknown): never {
  throw new ConfigError(where, message, cause);
}
