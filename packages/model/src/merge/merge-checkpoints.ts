/**
 * `mergeCheckpoints(config)`: a mergekit configuration run over local checkpoint directories,
 * tensor by tensor, with the same result as mergekit (see merge-methods.ts for each formula).
 */
import path from 'node:path';
import { closeOperands, inputRecord, openOperands } from './internal/operands.js';
import { assertSameModel } from './internal/model-identity.js';
import { planTensors } from './internal/plan-tensors.js';
import { writeCombination } from './internal/write-combination.js';
import { MERGE_DTYPES, parseMergeConfig } from './merge-config.js';
import { MERGE_METHODS } from './merge-methods.js';
import type { MergeOutputOptions, MergeSummary } from './merge-summary.js';

/** Output and error context of `mergeCheckpoints`. */
export interface MergeCheckpointsOptions extends MergeOutputOptions {
  /** New output directory; must not exist. */
  readonly out: string;
  /** Names the config in errors (e.g. the YAML file). */
  readonly where?: string;
}

/**
 * Runs a merge. Models whose path is the base model's are left out of the task vectors (mergekit
 * `get_task_vectors` skips the base); with no other model the output is the base.
 * @param config a mergekit config object (parsed here; unknown keys are errors listing valid keys).
 * @throws ConfigError for a bad config; DataError for mismatched architectures, tokenizers, shapes.
 * @example
 * await mergeCheckpoints({
 *   merge_method: 'task_arithmetic', base_model: 'runs/sft',
 *   models: [{ model: 'runs/grpo', parameters: { weight: 0.5 } }, { model: 'runs/other', parameters: { weight: 1 } }],
 *   parameters: { lambda: 1, normalize: false },
 * }, { out: 'runs/merged' });
 */
export async function mergeCheckpoints(config: unknown, options: MergeCheckpointsOptions): Promise<MergeSummary> {
  const c = parseMergeConfig(config, options.where);
  const method = MERGE_METHODS[c.merge_method]!;
  const basePath = path.resolve(c.base_model);
  const others = c.models.filter((m) => path.resolve(m.model) !== basePath);
  const combine = method.build(c.parameters, others.map((m) => m.parameters.weight as number));
  const operands = await openOperands([c.base_model, ...others.map((m) => m.model)]);
  try {
    const [base, ...models] = operands;
    for (const m of models) assertSameModel(base!.identity, m.identity);
    const dtypeName = c.out_dtype ?? c.dtype;
    const dtype = dtypeName === undefined ? undefined : MERGE_DTYPES[dtypeName];
    const plan = planTensors({ reference: base!, operands, combine, ...(dtype ? { dtype } : {}), nonFloat: 'copy' });
    return await writeCombination(
      {
        out: options.out,
        plan,
        companionsFrom: c.base_model,
        config: base!.identity.config,
        ...(dtypeName ? { editConfig: (json: Record<string, unknown>) => ({ ...json, torch_dtype: dtypeName }) } : {}),
        manifest: {
          file: 'merge_manifest.json',
          content: { kind: 'merge', merge_method: c.merge_method, config: c, base: inputRecord(base!), models: models.map(inputRecord) },
        },
      },
      options,
    );
  } finally {
    await closeOperands(operands);
  }
}
