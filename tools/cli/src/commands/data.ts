/**
 * `prefstream data convert <in> <out>`: JSONL ↔ Parquet ↔ Arrow IPC, formats by extension, one
 * batch at a time (the reader is pulled by the writer, so memory stays at one batch).
 */
import { parseArgs } from 'node:util';
import { ConfigError, DataError, readDataset, writeDataset } from '@prefstream/core';
import { UsageError, type Command } from './command.js';

const USAGE = `usage: prefstream data convert <in> <out> [--batch-rows <n>]

Converts a dataset between JSONL (.jsonl, .ndjson), Parquet (.parquet) and Arrow IPC (.arrow,
.feather, .ipc; .arrows for the stream format), choosing formats by extension. Streams one batch
at a time; the output is written atomically (no partial file on error).

  --batch-rows <n>   rows per batch while converting (default 1024)`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { 'batch-rows': { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Subcommands of `data`, by name. */
const SUBCOMMANDS: Record<string, (positionals: string[], batchRows: number) => Promise<number>> = {
  async convert(positionals, batchRows) {
    if (positionals.length !== 2) throw new UsageError('convert needs <in> and <out>');
    const [input, output] = positionals as [string, string];
    const result = await writeDataset(output, readDataset(input, { batchRows }));
    console.log(`wrote ${result.rows} rows in ${result.batches} batches to ${result.path}`);
    return 0;
  },
};

export const data: Command = {
  name: 'data',
  summary: 'convert datasets between JSONL, Parquet and Arrow IPC',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseFlags(argv);
    const [sub, ...rest] = positionals;
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (!handler) throw new UsageError(`unknown subcommand "${sub ?? ''}" (valid: ${Object.keys(SUBCOMMANDS).join(', ')})`);
    const batchRows = values['batch-rows'] === undefined ? 1024 : Number(values['batch-rows']);
    if (!Number.isInteger(batchRows) || batchRows < 1) throw new UsageError(`--batch-rows must be a positive integer, got ${values['batch-rows']}`);
    try {
      return await handler(rest, batchRows);
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof DataError)) throw err;
      console.error(`prefstream data: ${err.message}`);
      return 1;
    }
  },
};
