/**
 * `prefstream vector extract|apply`: reasoning / task vectors over safetensors checkpoints
 * (Reasoning Vectors, arXiv 2509.01363), streamed tensor by tensor — no tensor backend needed.
 */
import { parseArgs } from 'node:util';
import { applyVector, extractVector, type MergeSummary, type SafetensorsDtype } from '@prefstream/model';
import { UsageError, type Command } from './command.js';

const USAGE = `usage:
  prefstream vector extract --base <dir> --tuned <dir> --out <dir> [--dtype F32|F16|BF16]
  prefstream vector apply --target <dir> --vector <dir> --out <dir> [--alpha 1] [--include <regex>] [--exclude <regex>] [--dtype …]

extract  writes v = θ_tuned − θ_base (e.g. GRPO − SFT) as a checkpoint directory with
         vector_manifest.json (inputs' paths, header / config / tokenizer sha256, dtypes, date)
apply    writes θ_target + α·(m ⊙ v): m = 1 for tensors whose name matches --include (default:
         all) and not --exclude; --alpha -1 subtracts the vector. Config, tokenizer files and
         chat template are copied from the target.

Arithmetic is float32; tensors are stored in the input dtype unless --dtype is given. The output
directory must not exist; it appears only when complete.

  --max-shard-bytes N   start a new weight file before one exceeds N bytes (default 5e9)
  --json                print the summary as one JSON object`;

const COMMON = {
  out: { type: 'string' },
  dtype: { type: 'string' },
  'max-shard-bytes': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const OPTIONS = {
  extract: { ...COMMON, base: { type: 'string' }, tuned: { type: 'string' } },
  apply: { ...COMMON, target: { type: 'string' }, vector: { type: 'string' }, alpha: { type: 'string' }, include: { type: 'string' }, exclude: { type: 'string' } },
} as const;

/**
 * `--alpha -1` is the paper's ablation, but node's parseArgs reads a value starting with "-" as
 * ambiguous: join a negative number to its flag (`--alpha=-1`) before parsing.
 */
export function joinNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i]!.startsWith('--') && !argv[i]!.includes('=') && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]!);
  }
  return out;
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got "${text}"`);
  return n;
}

function regex(text: string | undefined, flag: string): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (err) {
    throw new UsageError(`--${flag}: invalid regular expression: ${(err as Error).message}`);
  }
}

function outputOptions(values: Record<string, unknown>): { out: string; dtype?: SafetensorsDtype; maxShardBytes?: number } {
  const dtype = values.dtype as string | undefined;
  if (dtype !== undefined && !['F32', 'F16', 'BF16'].includes(dtype)) throw new UsageError(`--dtype must be one of F32, F16, BF16, got "${dtype}"`);
  const maxShardBytes = number(values['max-shard-bytes'] as string | undefined, 'max-shard-bytes');
  if (maxShardBytes !== undefined && maxShardBytes <= 0) throw new UsageError('--max-shard-bytes must be positive');
  return {
    out: required(values, 'out'),
    ...(dtype ? { dtype: dtype as SafetensorsDtype } : {}),
    ...(maxShardBytes ? { maxShardBytes } : {}),
  };
}

/** One line for people: what was written and how much of it was changed. */
export function formatMergeSummary(s: MergeSummary): string {
  const parts = [`${s.tensorsWritten} tensors`, `${s.computed} computed`];
  if (s.skippedByMask) parts.push(`${s.skippedByMask} unchanged by mask`);
  if (s.nonFloat) parts.push(`${s.nonFloat} non-float`);
  const tied = Object.entries(s.tied).map(([h, e]) => `${h} tied to ${e}`);
  return `wrote ${s.outDir}: ${parts.join(', ')}, ${(s.bytesWritten / 1e6).toFixed(1)} MB in ${s.files.length} file(s)${tied.length ? ` (${tied.join('; ')}: changed once)` : ''}`;
}

const ACTIONS: Record<keyof typeof OPTIONS, (values: Record<string, unknown>) => Promise<MergeSummary>> = {
  extract: (v) => extractVector({ base: required(v, 'base'), tuned: required(v, 'tuned'), ...outputOptions(v) }),
  apply: (v) => {
    const alpha = number(v.alpha as string | undefined, 'alpha');
    const include = regex(v.include as string | undefined, 'include');
    const exclude = regex(v.exclude as string | undefined, 'exclude');
    return applyVector({
      target: required(v, 'target'),
      vector: required(v, 'vector'),
      ...outputOptions(v),
      ...(alpha === undefined ? {} : { alpha }),
      ...(include ? { include } : {}),
      ...(exclude ? { exclude } : {}),
    });
  },
};

export const vector: Command = {
  name: 'vector',
  summary: 'extract a task / reasoning vector (tuned − base) or apply one (target + α·v)',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'extract' && sub !== 'apply') throw new UsageError(`expected a subcommand, extract or apply, got ${sub === undefined ? 'none' : `"${sub}"`}`);
    let parsed;
    try {
      parsed = parseArgs({ args: joinNegativeNumbers(rest), options: OPTIONS[sub], strict: true, allowPositionals: false });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const summary = await ACTIONS[sub](parsed.values);
    console.log(parsed.values.json ? JSON.stringify(summary) : formatMergeSummary(summary));
    return 0;
  },
};
