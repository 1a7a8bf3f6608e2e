/**
 * A causal LM used as a pairwise preference model (spec §7; RSO's pairwise ranker, arXiv
 * 2309.06657 §3): the LM is prompted with x, response A and response B through a template, and
 * P(A ≻ B) is read from the next-token logits of the two verdict tokens, renormalized over those
 * two: P(A) = σ(ℓ_A − ℓ_B).
 */
import { z } from 'zod';
import { ConfigError, tf, type Tensor2D, type Tensor3D } from '@prefstream/core';
import type { Tokenizer } from '@prefstream/model';
import type { PairwiseItem, PairwisePreferenceModel } from './pairwise-preference-model.js';
import { verdictProbability } from './pairwise-preference.js';

/** The slice of a causal LM this needs: logits for a padded batch. */
export interface LogitsModel {
  /** ids (B, T) int32, mask (B, T) int32 → logits (B, T, V) float32; created in the caller's scope. */
  forward(ids: Tensor2D, mask?: Tensor2D): Tensor3D;
}

export const DEFAULT_PAIRWISE_TEMPLATE =
  'Which response answers the prompt better? Answer A or B.\n\nPrompt: {prompt}\n\nResponse A: {a}\n\nResponse B: {b}\n\nBetter response:';

export const LanguageModelJudgeOptions = z.strictObject({
  /** Prompt for the judge LM; must contain `{prompt}`, `{a}` and `{b}`. */
  template: z
    .string()
    .refine((t) => ['{prompt}', '{a}', '{b}'].every((p) => t.includes(p)), 'template must contain {prompt}, {a} and {b}')
    .default(DEFAULT_PAIRWISE_TEMPLATE),
  /** The two verdict strings; each must encode to exactly one token (" A" / " B" for GPT-2's BPE). */
  verdicts: z.tuple([z.string().min(1), z.string().min(1)]).default([' A', ' B']),
  /** Comparisons per forward pass. 8 keeps the wasm heap small for long responses. */
  batchSize: z.number().int().min(1).max(1024).default(8),
});
export type LanguageModelJudgeOptions = z.output<typeof LanguageModelJudgeOptions>;

/** Fills the template. Single pass, so a `{b}` inside response A is left as written. */
export function renderPairwiseTemplate(template: string, item: PairwiseItem): string {
  const values: Record<string, string> = { '{prompt}': item.prompt, '{a}': item.first, '{b}': item.second };
  return template.replace(/\{prompt\}|\{a\}|\{b\}/g, (m) => values[m]!);
}

/**
 * @borrows the model's weights; every tensor it creates is disposed before `preferFirst` resolves.
 *
 * @example
 * const judge = new PairwiseLanguageModel(lm, tokenizer, LanguageModelJudgeOptions.parse({}));
 * const [p] = await judge.preferFirst([{ prompt: '2+2?', first: '4', second: '5' }]);
 */
export class PairwiseLanguageModel implements PairwisePreferenceModel {
  private readonly verdictIds: [number, number];

  constructor(
    private readonly model: LogitsModel,
    private readonly tokenizer: Tokenizer,
    private readonly options: LanguageModelJudgeOptions,
    where = 'PairwiseLanguageModel',
  ) {
    const ids = options.verdicts.map((v) => {
      const encoded = tokenizer.encode(v, { addSpecialTokens: false });
      if (encoded.length !== 1) {
        throw new ConfigError(where, `verdict ${JSON.stringify(v)} encodes to ${encoded.length} tokens [${encoded.join(', ')}]; each verdict must be one token`);
      }
      return encoded[0]!;
    });
    if (ids[0] === ids[1]) throw new ConfigError(where, `both verdicts encode to token ${ids[0]}`);
    this.verdictIds = [ids[0]!, ids[1]!];
  }

  async preferFirst(items: readonly PairwiseItem[], signal?: AbortSignal): Promise<Float64Array> {
    const out = new Float64Array(items.length);
    for (let start = 0; start < items.length; start += this.options.batchSize) {
      signal?.throwIfAborted();
      const chunk = items.slice(start, start + this.options.batchSize);
      let pairs: Float32Array;
      try {
        pairs = await this.verdictLogits(chunk.map((item) => this.tokenizer.encode(renderPairwiseTemplate(this.options.template, item))));
      } catch (err) {
        const ids = [...new Set(chunk.map((item) => `"${item.promptId ?? '?'}"`))].join(', ');
        throw new Error(`pairwise judge failed on prompt_id ${ids}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      chunk.forEach((_, i) => {
        out[start + i] = verdictProbability(pairs[2 * i]!, pairs[2 * i + 1]!);
      });
      // Let other work (HTTP, timers, unsubscribe) run between forward passes.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }

  /** (ℓ_A, ℓ_B) at the last token of each sequence, flattened (B·2). */
  private async verdictLogits(sequences: number[][]): Promise<Float32Array> {
    const B = sequences.length;
    const T = Math.max(...sequences.map((s) => s.length));
    if (T === 0) throw new Error('pairwise judge: empty prompt after templating');
    const pad = this.tokenizer.padTokenId ?? this.tokenizer.eosTokenId ?? 0;
    const ids = new Int32Array(B * T).fill(pad); // right padding: causal attention never sees it
    const mask = new Int32Array(B * T);
    const last = new Int32Array(B);
    sequences.forEach((s, b) => {
      ids.set(s, b * T);
      mask.fill(1, b * T, b * T + s.length);
      last[b] = b * T + s.length - 1;
    });
    const picked = tf.tidy(() => {
      const logits = this.model.forward(tf.tensor2d(ids, [B, T], 'int32'), tf.tensor2d(mask, [B, T], 'int32')); // (B, T, V)
      const V = logits.shape[2];
      const rows = tf.gather(tf.reshape(logits, [B * T, V]), tf.tensor1d(last, 'int32')); // (B, V)
      return tf.gather(rows, tf.tensor1d(this.verdictIds, 'int32'), 1); // (B, 2)
    });
    try {
      return (await picked.data()) as Float32Array;
    } finally {
      picked.dispose();
    }
  }
}
