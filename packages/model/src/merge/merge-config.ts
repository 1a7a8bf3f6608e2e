/**
 * The merge configuration: mergekit's YAML format (arcee-ai/mergekit `MergeConfiguration`), the
 * subset with one base model, a list of models with scalar parameters, and global parameters.
 * Unknown keys are errors that list the valid keys (a misspelt `normalise` would otherwise
 * silently keep mergekit's default).
 */
import { z } from 'zod';
import { strictObject as strict } from './internal/strict-object.js';
import { parseConfig } from '@prefstream/core';
import type { SafetensorsDtype } from '../safetensors/dtype.js';
import { MERGE_METHODS } from './merge-methods.js';


/** mergekit dtype names → safetensors dtypes. */
export const MERGE_DTYPES: Readonly<Record<string, SafetensorsDtype>> = { float32: 'F32', float16: 'F16', bfloat16: 'BF16' };
const DtypeName = z.enum(Object.keys(MERGE_DTYPES) as [string, ...string[]]);

/** One entry of `models:` — a checkpoint and its parameters. */
export const MergeModelEntry = strict({
  /** A local checkpoint directory (relative paths resolve against the working directory, as in mergekit). */
  model: z.string().min(1),
  /** Per-model parameters; `task_arithmetic` requires `weight` (mergekit: `weight` is required). */
  parameters: z.record(z.string(), z.union([z.number(), z.boolean()])).default({}),
});

/** A mergekit merge configuration (the subset described in the README, "Task arithmetic"). */
export const MergeConfig = strict({
  merge_method: z.enum(Object.keys(MERGE_METHODS) as [string, ...string[]], {
    error: (iss) => `merge method ${JSON.stringify(iss.input)} is not supported; supported: ${Object.keys(MERGE_METHODS).join(', ')}`,
  }),
  /** B: the model task vectors are taken against; its config, tokenizer and chat template are copied. */
  base_model: z.string().min(1),
  models: z.array(MergeModelEntry).min(1),
  /** Method parameters (task_arithmetic: `lambda` default 1, `normalize` default false). */
  parameters: z.record(z.string(), z.union([z.number(), z.boolean()])).default({}),
  /**
   * mergekit's working dtype, also the output dtype unless `out_dtype` is set. Arithmetic here is
   * always float32; this only picks the stored dtype (default: the base model's).
   */
  dtype: DtypeName.optional(),
  out_dtype: DtypeName.optional(),
});
export type MergeConfig = z.infer<typeof MergeConfig>;

/**
 * Parses a merge config (an object, e.g. from YAML) and its method's parameters.
 * @throws ConfigError naming `where` and the field; unknown keys list the valid ones.
 * @example
 * const config = parseMergeConfig(YAML.parse(text), 'merge.yaml');
 */
export function parseMergeConfig(value: unknown, where = 'merge config'): MergeConfig {
  const config = parseConfig(MergeConfig, value, where);
  const method = MERGE_METHODS[config.merge_method]!;
  parseConfig(method.parameters, config.parameters, `${where}: parameters`);
  for (const [i, m] of config.models.entries()) parseConfig(method.modelParameters, m.parameters, `${where}: models[${i}] (${m.model}) parameters`);
  return config;
}
