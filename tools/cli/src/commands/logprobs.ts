/**
 * `prefstream logprobs`: the log-probability a model gives each token of a text given the tokens
 * before it — the quantity every preference loss is built from, for checking a checkpoint by eye.
 */
import { parseArgs } from 'node:util';
import { initBackend, tf, type Tensor2D } from '@prefstream/core';
import { CausalLM, hasTokenizer, loadTokenizer, type Tokenizer } from '@prefstream/model';
import { UsageError, type Command } from './command.js';

const USAGE = `usage: prefstream logprobs --model <dir> (--text <s> | --ids <n,n,...>) [--json]

Prints, for each position t, the token and log p(token_t | tokens_<t) under the model, and
their sum. Position 0 has no context, so its value is null and it is not in the sum.

  --model <dir>   Hugging Face model directory (config.json + model.safetensors)
  --text <s>      text, encoded with the directory's tokenizer (special tokens as it adds them)
  --ids <list>    comma-separated token ids, e.g. 15496,995
  --json          print one JSON object: { model, tokens: [{ t, id, token, logprob }], sum }`;

/** One row of the output; `logprob` is null at t = 0. */
export interface TokenLogprob {
  t: number;
  id: number;
  /** The token decoded alone, or null without a tokenizer. */
  token: string | null;
  logprob: number | null;
}

function parseIds(list: string): number[] {
  const ids = list.split(',').map((s) => s.trim());
  return ids.map((s, i) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`--ids: item ${i + 1} ("${s}") is not a non-negative integer`);
    return Number(s);
  });
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { model: { type: 'string' }, text: { type: 'string' }, ids: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Log-probs of `ids` under `model`: entry t is log p(ids_t | ids_<t) = log_softmax(logits_{t−1})[ids_t],
 * read from `forward`'s logits directly (not through `sequenceLogps`), so this command is an
 * independent check of the training path's log-probs. Disposes every tensor it creates.
 */
export async function tokenLogprobs(model: CausalLM, ids: readonly number[], tokenizer: Tokenizer | undefined): Promise<TokenLogprob[]> {
  const T = ids.length;
  const V = model.config.vocabSize;
  const logp = tf.tidy(() => {
    const logits = model.forward(tf.tensor2d([...ids], [1, T], 'int32')); // (1, T, V)
    return tf.logSoftmax(tf.reshape(logits, [T, V]) as Tensor2D); // (T, V)
  });
  let values: Float32Array;
  try {
    values = (await logp.data()) as Float32Array;
  } finally {
    logp.dispose();
  }
  return ids.map((id, t) => ({ t, id, token: tokenizer ? tokenizer.decode([id]) : null, logprob: t === 0 ? null : values[(t - 1) * V + id]! }));
}

export const logprobs: Command = {
  name: 'logprobs',
  summary: 'per-token log-probabilities of a text or token ids under a model',
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(argv);
    if (!flags.model) throw new UsageError('--model <dir> is required');
    if ((flags.text === undefined) === (flags.ids === undefined)) throw new UsageError('give exactly one of --text or --ids');
    const tokenizer = hasTokenizer(flags.model) ? await loadTokenizer(flags.model) : undefined;
    let ids: number[];
    if (flags.text !== undefined) {
      if (!tokenizer) throw new UsageError(`${flags.model} has no tokenizer (tokenizer.json or prefstream_tokenizer.json); pass --ids`);
      ids = tokenizer.encode(flags.text);
    } else {
      ids = parseIds(flags.ids!);
    }
    if (ids.length === 0) throw new UsageError('nothing to score: the text encodes to no tokens');
    await initBackend();
    const model = await CausalLM.load(flags.model);
    try {
      const bad = ids.find((id) => id >= model.config.vocabSize);
      if (bad !== undefined) throw new UsageError(`token id ${bad} is outside the model's vocabulary [0, ${model.config.vocabSize})`);
      const rows = await tokenLogprobs(model, ids, tokenizer);
      const sum = rows.reduce((s, r) => s + (r.logprob ?? 0), 0);
      if (flags.json) {
        console.log(JSON.stringify({ model: flags.model, tokens: rows, sum }));
        return 0;
      }
      console.log(`${'t'.padStart(4)}  ${'id'.padStart(7)}  ${'token'.padEnd(16)}  logprob`);
      for (const r of rows) {
        const token = r.token === null ? '' : JSON.stringify(r.token);
        console.log(`${String(r.t).padStart(4)}  ${String(r.id).padStart(7)}  ${token.padEnd(16)}  ${r.logprob === null ? 'null' : r.logprob.toFixed(6)}`);
      }
      console.log(`sum ${sum.toFixed(6)} over ${rows.length - 1} predicted tokens`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
