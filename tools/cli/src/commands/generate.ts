/**
 * `prefstream generate`: sample completions of a prompt from a model directory, with the same
 * sampler (KV cache, temperature / top-k / top-p, seeds) the generate stage uses.
 */
import { parseArgs } from 'node:util';
import { initBackend } from '@prefstream/core';
import { CausalLM, hasTokenizer, loadTokenizer, type GenerateOptions } from '@prefstream/model';
import { UsageError, type Command } from './command.js';

const USAGE = `usage: prefstream generate --model <dir> --prompt <s> [options]

Samples completions of a prompt. The model directory needs a tokenizer.

  --model <dir>           Hugging Face model directory
  --prompt <s>            prompt text
  --max-new-tokens <n>    tokens to generate at most (default 32)
  --temperature <t>       0 = greedy (default 1)
  --top-k <k>             keep the k most likely tokens (0 = off, default)
  --top-p <p>             nucleus sampling mass in (0, 1] (default 1 = off)
  --n <n>                 samples for the prompt (default 1)
  --seed <s>              integer seed; the same seed gives the same samples (default 0)
  --stop <s>              stop when the completion contains s (repeatable)
  --json                  print one JSON object per sample`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        prompt: { type: 'string' },
        'max-new-tokens': { type: 'string', default: '32' },
        temperature: { type: 'string' },
        'top-k': { type: 'string' },
        'top-p': { type: 'string' },
        n: { type: 'string', default: '1' },
        seed: { type: 'string', default: '0' },
        stop: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A numeric flag, checked: `integer` rejects fractions, `min`/`max` bound it (inclusive), `above` exclusively. */
function numberFlag(name: string, value: string | undefined, check: { integer?: boolean; min?: number; above?: number; max?: number }): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(x) &&
    (!check.integer || Number.isInteger(x)) &&
    (check.min === undefined || x >= check.min) &&
    (check.above === undefined || x > check.above) &&
    (check.max === undefined || x <= check.max);
  if (!ok) {
    const bounds = [check.min !== undefined && `≥ ${check.min}`, check.above !== undefined && `> ${check.above}`, check.max !== undefined && `≤ ${check.max}`];
    const range = bounds.filter(Boolean).join(' and ');
    throw new UsageError(`--${name} must be ${check.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got "${value}"`);
  }
  return x;
}

/** The sampling options of the flags. */
export function generateOptionsFromFlags(flags: ReturnType<typeof parseFlags>): GenerateOptions {
  const options: GenerateOptions = {
    maxNewTokens: numberFlag('max-new-tokens', flags['max-new-tokens'], { integer: true, min: 1 })!,
    n: numberFlag('n', flags.n, { integer: true, min: 1 })!,
    seed: numberFlag('seed', flags.seed, { integer: true })!,
  };
  const temperature = numberFlag('temperature', flags.temperature, { min: 0 });
  const topK = numberFlag('top-k', flags['top-k'], { integer: true, min: 0 });
  const topP = numberFlag('top-p', flags['top-p'], { above: 0, max: 1 });
  if (temperature !== undefined) options.temperature = temperature;
  if (topK !== undefined) options.topK = topK;
  if (topP !== undefined) options.topP = topP;
  if (flags.stop?.length) options.stop = flags.stop;
  return options;
}

export const generate: Command = {
  name: 'generate',
  summary: 'sample completions of a prompt from a model directory',
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(argv);
    if (!flags.model) throw new UsageError('--model <dir> is required');
    if (flags.prompt === undefined) throw new UsageError('--prompt <s> is required');
    const options = generateOptionsFromFlags(flags);
    if (!hasTokenizer(flags.model)) throw new UsageError(`${flags.model} has no tokenizer (tokenizer.json or prefstream_tokenizer.json)`);
    const tokenizer = await loadTokenizer(flags.model);
    const prompt = tokenizer.encode(flags.prompt);
    if (prompt.length === 0) throw new UsageError('the prompt encodes to no tokens');
    await initBackend();
    const model = await CausalLM.load(flags.model, { tokenizer });
    try {
      const samples = await model.generate([prompt], options);
      for (const s of samples) {
        const logp = s.tokenLogps.reduce((a, b) => a + b, 0);
        if (flags.json) {
          console.log(JSON.stringify({ sample: s.sampleIndex, completion: s.completion, completionIds: s.completionIds, finishReason: s.finishReason, logp }));
          continue;
        }
        console.log(`--- sample ${s.sampleIndex} (${s.completionIds.length} tokens, finish ${s.finishReason}, logp ${logp.toFixed(4)}) ---`);
        console.log(flags.prompt + s.completion);
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};
