/**
 * `prefstream run <config.yaml> [--resume] [--output <dir>]`: one training run from a YAML (or
 * JSON) run config; Ctrl-C stops after the current update with a checkpoint.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { ConfigError, DataError, initBackend, StageError } from '@prefstream/core';
import { runPipeline } from '@prefstream/trainer';
import { progressWriter } from '../run/progress-line.js';
import { readRunConfig } from '../run/read-run-config.js';
import { UsageError, type Command } from './command.js';

const USAGE = `usage: prefstream run <config.yaml> [--resume] [--output <dir>]

Trains with a pipeline (sft, reward-model, dpo, slic, rso, copg, crlft, grpo, pairwise-rm,
pairwise-ppo, custom) as the config says, writing metrics.jsonl, config.resolved.yaml,
checkpoints and final/ to its output directory.
Relative paths in the config are resolved against the config file's directory.

  --resume          continue from the newest checkpoint in the output directory
  --output <dir>    override the config's output directory

Ctrl-C stops after the current update and writes a checkpoint.`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { resume: { type: 'boolean', default: false }, output: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Errors of the user's config or data: a message, no stack trace. */
const readable = (err: unknown): err is Error => err instanceof ConfigError || err instanceof DataError || err instanceof StageError;

export const run: Command = {
  name: 'run',
  summary: 'train with a pipeline from a YAML run config (progress, checkpoints, --resume)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseFlags(argv);
    if (positionals.length !== 1) throw new UsageError('expected exactly one run config file');
    const file = positionals[0]!;
    const controller = new AbortController();
    const onSigint = () => {
      process.stderr.write('\nprefstream run: stopping after the current update (Ctrl-C again to abort)\n');
      controller.abort();
      process.off('SIGINT', onSigint);
    };
    const progress = progressWriter(process.stdout);
    process.on('SIGINT', onSigint);
    try {
      const config = await readRunConfig(file);
      if (values.resume) config.resume = true;
      if (values.output) config.output = path.resolve(values.output);
      await initBackend({ log: () => {} });
      const log = { info: (m: string) => console.error(m), warn: (m: string) => console.error(`warning: ${m}`), error: (m: string) => console.error(m) };
      const result = await runPipeline(config as Parameters<typeof runPipeline>[0], { signal: controller.signal, log, onStep: (p) => progress.step(p) }, file);
      progress.end();
      console.log(result.stopped ? `stopped at step ${result.step}; checkpoint ${result.lastCheckpoint ?? '(none: no update yet)'}` : `done: ${result.step} steps; model in ${result.finalDir}`);
      return result.stopped ? 130 : 0;
    } catch (err) {
      progress.end();
      if (!readable(err)) throw err;
      console.error(`prefstream run: ${err.message}`);
      return 1;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
