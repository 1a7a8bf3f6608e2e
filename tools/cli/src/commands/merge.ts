/**
 * `prefstream merge <config.yaml> --out <dir>`: a mergekit configuration (`task_arithmetic`) over
 * local checkpoint directories, with mergekit's result, streamed tensor by tensor.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { DataError } from '@prefstream/core';
import { mergeCheckpoints, MERGE_METHODS } from '@prefstream/model';
import { UsageError, type Command } from './command.js';
import { formatMergeSummary } from './vector.js';

const USAGE = `usage: prefstream merge <config.yaml> --out <dir> [--max-shard-bytes N] [--json]

Runs a mergekit merge config. Supported merge_method: ${Object.keys(MERGE_METHODS).join(', ')}.

  merge_method: task_arithmetic
  base_model: runs/sft               # B (config, tokenizer, chat template copied from it)
  models:
    - model: runs/grpo
      parameters: { weight: 0.5 }
    - model: runs/other
      parameters: { weight: 1.0 }
  parameters: { lambda: 1.0, normalize: false }   # mergekit defaults
  dtype: bfloat16                    # optional: stored dtype (arithmetic is always float32)

out = B + λ·Σ_i w_i·(M_i − B), weights divided by Σw when normalize is true. Model paths are
local directories, relative to the working directory (as in mergekit). Unknown keys are errors.`;

export const merge: Command = {
  name: 'merge',
  summary: 'merge checkpoints with a mergekit config (task_arithmetic), tensor by tensor',
  usage: USAGE,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: { out: { type: 'string' }, 'max-shard-bytes': { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`expected one config file, got ${positionals.length}`);
    if (!values.out) throw new UsageError('--out is required');
    const maxShardBytes = values['max-shard-bytes'] === undefined ? undefined : Number(values['max-shard-bytes']);
    if (maxShardBytes !== undefined && !(maxShardBytes > 0)) throw new UsageError(`--max-shard-bytes must be a positive number, got "${values['max-shard-bytes']}"`);
    const file = positionals[0]!;
    let config: unknown;
    try {
      config = parseYaml(await readFile(file, 'utf8'));
    } catch (cause) {
      throw new DataError({ file, message: `cannot read the merge config: ${(cause as Error).message}`, cause });
    }
    const summary = await mergeCheckpoints(config, { out: values.out, where: file, ...(maxShardBytes ? { maxShardBytes } : {}) });
    console.log(values.json ? JSON.stringify(summary) : formatMergeSummary(summary));
    return 0;
  },
};
