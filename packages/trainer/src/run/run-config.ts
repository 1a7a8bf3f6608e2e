/**
 * The configuration of one training run (`prefstream run <config.yaml>`, or `runPipeline(config)`
 * from TS): which pipeline, on which model and data, with which optimizer, written where.
 * Strict: an unknown key anywhere is an error that lists the valid keys.
 */
import { z } from 'zod';
import { ConfigError } from '@prefstream/core';
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

/** Where the rows come from. */
export const DataConfig = z.strictObject({
  path: z.string().min(1).describe('JSONL, Parquet or Arrow IPC file (format by extension).'),
  groupBy: z.string().min(1).optional().describe('Keep rows of one group (e.g. prompt_id) in one batch.'),
});

export const RunConfig = z.strictObject({
  pipeline: PipelineConfig.describe('`{ name, …options }` of a registered pipeline (sft, reward-model, dpo, slic, rso, copg, crlft, custom).'),
  model: ModelSource.describe('The policy to train (or the LM under the reward head for reward-model).'),
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
/** Run config as written. */
export type RunConfigInput = z.input<typeof RunConfig>;

/** The object schema inside defaults / optionals, or undefined for other kinds. */
function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  let s = schema as (z.ZodType & { shape?: Record<string, z.ZodType> }) | undefined;
  for (let i = 0; s && !s.shape && i < 8; i++) s = (s._zod.def as { innerType?: z.ZodType }).innerType as typeof s;
  return s?.shape;
}

/**
 * Parses a run config; a {@link ConfigError} naming `where`, with the valid keys of the object
 * that holds an unknown key.
 * @example parseRunConfig(YAML.parse(text), 'runs/dpo.yaml')
 */
export function parseRunConfig(input: unknown, where = 'run config'): RunConfig {
  const result = RunConfig.safeParse(input);
  if (result.success) return result.data;
  const hints: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let shape: Record<string, z.ZodType> | undefined = RunConfig.shape;
    for (const key of issue.path) shape = objectShape(shape?.[String(key)]);
    const at = issue.path.length ? issue.path.join('.') : 'top level';
    if (shape) hints.push(`valid keys at ${at}: ${Object.keys(shape).join(', ')}`);
  }
  return fail(where, `invalid run config${hints.length ? ` (${hints.join('; ')})` : ''}\n${z.prettifyError(result.error)}`, result.error);
}

function fail(where: string, message: string, cause: unknown): never {
  throw new ConfigError(where, message, cause);
}
