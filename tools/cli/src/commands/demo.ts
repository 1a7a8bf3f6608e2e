/**
 * `prefstream demo`: the method comparison on the synthetic addition task (see
 * examples/demo/README.md): preference data, a reward model, every registered method
 * from the shipped SFT checkpoint, held-out evaluation, a table and an HTML report.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, DataError, initBackend, StageError } from '@prefstream/core';
import { DEMO_METHODS } from '../demo/methods/registry.js';
import { runDemo } from '../demo/run-demo.js';
import { UsageError, type Command } from './command.js';

/** The repository root, from src/commands or dist/commands alike. */
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const DEFAULT_SFT = path.join(ROOT, 'examples/demo/sft-checkpoint');

const USAGE = `usage: prefstream demo [--out <dir>] [--quick] [--methods a,b] [--seed <n>] [--sft <dir>] [--force]

Two-digit addition with a known gold reward: samples noisy preference pairs from the shipped SFT
checkpoint, trains a Bradley–Terry reward model, runs ${[...DEMO_METHODS.values()].map((m) => m.label).join(', ')} from the same SFT
policy with the same budget, evaluates each against SFT on held-out prompts (gold and learned
reward with 95% intervals, win rates, KL), prints the table and writes report.json and report.html.

  --out <dir>       output directory (default runs/demo); must be empty unless --force
  --quick           tiny sizes (seconds; for tests): the numbers mean nothing
  --methods <list>  comma-separated subset of: ${[...DEMO_METHODS.keys()].join(', ')} (default all)
  --seed <n>        seed of every step (default 0)
  --sft <dir>       SFT checkpoint (default examples/demo/sft-checkpoint)
  --force           empty a non-empty output directory first`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        out: { type: 'string', default: 'runs/demo' },
        quick: { type: 'boolean', default: false },
        methods: { type: 'string' },
        seed: { type: 'string', default: '0' },
        sft: { type: 'string', default: DEFAULT_SFT },
        force: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function selectMethods(list: string | undefined) {
  if (list === undefined) return [...DEMO_METHODS.values()];
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--methods needs at least one name');
  return names.map((name) => {
    const method = DEMO_METHODS.get(name);
    if (!method) throw new UsageError(`unknown method "${name}" (valid: ${[...DEMO_METHODS.keys()].join(', ')})`);
    return method;
  });
}

/** Refuses a non-empty output directory unless `force`, which empties it. */
async function prepareOut(out: string, force: boolean): Promise<void> {
  const entries = await readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length === 0) return;
  if (!force) throw new UsageError(`${out} is not empty (${entries.length} entries); choose another --out or pass --force to replace it (npm run demo -- --force)`);
  await Promise.all(entries.map((e) => rm(path.join(out, e), { recursive: true, force: true })));
}

const readable = (err: unknown): err is Error => err instanceof ConfigError || err instanceof DataError || err instanceof StageError;

export const demo: Command = {
  name: 'demo',
  summary: 'compare DPO, SLiC, RSO, CoPG, C-RLFT and the other registered methods from one SFT policy on a synthetic task',
  usage: USAGE,
  async run(argv) {
    const values = parseFlags(argv);
    const seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${values.seed}`);
    const methods = selectMethods(values.methods);
    const out = path.resolve(values.out);
    await prepareOut(out, values.force);
    await initBackend({ log: () => {} });
    try {
      await runDemo({ out, sftDir: path.resolve(values.sft), methods, seed, quick: values.quick, log: (line) => console.log(line) });
      return 0;
    } catch (err) {
      if (!readable(err)) throw err;
      console.error(`prefstream demo: ${err.message}`);
      return 1;
    }
  },
};
