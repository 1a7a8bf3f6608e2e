/**
 * `bradley-terry` reward kind: a {@link RewardModel} (causal LM + scalar head, spec §7) scores each
 * row's prompt + completion at its last token.
 *
 * Token ids: `prompt_ids` / `completion_ids` when the batch carries them (completion_ids are what
 * the policy sampled, so no re-tokenization drift); otherwise `prompt + completion` is encoded as
 * one string, as TRL's RewardTrainer sees the text. Rows longer than `maxLength` keep their end
 * (the token the head reads).
 */
import { z } from 'zod';
import { tf } from '@prefstream/core';
import { packSequences, type Tokenizer } from '@prefstream/model';
import { defineRewardKind, type RewardRows, type RewardScorer } from '../reward-kind.js';
import type { RewardModel } from '../reward-model.js';
import { resourceOf } from '../internal/resource.js';

export const BradleyTerryRewardOptions = z.strictObject({
  kind: z.literal('bradley-terry'),
  /** Resource name of the RewardModel. */
  model: z.string().min(1),
  /** Resource name of its tokenizer. */
  tokenizer: z.string().min(1),
  /** Rows per forward pass; 8 keeps activations small on the 4 GiB wasm heap. */
  batchSize: z.number().int().min(1).max(4096).default(8),
  /** Keep at most this many tokens per row (the last ones). Default: the whole row. */
  maxLength: z.number().int().min(2).optional(),
});
export type BradleyTerryRewardOptions = z.output<typeof BradleyTerryRewardOptions>;

const isRewardModel = (v: unknown): v is RewardModel => typeof v === 'object' && v !== null && typeof (v as RewardModel).rewards === 'function';
const isTokenizer = (v: unknown): v is Tokenizer => typeof v === 'object' && v !== null && typeof (v as Tokenizer).encode === 'function';

function rowIds(rows: RewardRows, i: number, tokenizer: Tokenizer): number[] {
  if (rows.completionIds) {
    const prompt = rows.promptTokenIds?.[i] ?? tokenizer.encode(rows.prompts[i]!);
    return [...prompt, ...rows.completionIds[i]!];
  }
  return tokenizer.encode(rows.prompts[i]! + rows.completions[i]!);
}

/** The `bradley-terry` kind. Example: `{ kind: 'bradley-terry', model: 'rm', tokenizer: 'rm-tok' }`. */
export const bradleyTerryReward = defineRewardKind({
  kind: 'bradley-terry',
  options: BradleyTerryRewardOptions,
  requires: () => [],
  create(options, ctx): RewardScorer {
    const where = `reward kind bradley-terry (model "${options.model}")`;
    const model = resourceOf(ctx, options.model, where, 'a RewardModel', isRewardModel);
    const tokenizer = resourceOf(ctx, options.tokenizer, where, 'a tokenizer', isTokenizer);
    const padTokenId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
    return {
      async score(rows, signal) {
        const n = rows.prompts.length;
        const rewards = new Float64Array(n);
        for (let start = 0; start < n; start += options.batchSize) {
          signal.throwIfAborted();
          const end = Math.min(n, start + options.batchSize);
          const ids: number[][] = [];
          for (let i = start; i < end; i++) {
            const row = rowIds(rows, i, tokenizer);
            if (row.length === 0) throw new Error(`prompt_id "${rows.promptIds[i]}" (row ${i}): prompt and completion are both empty`);
            ids.push(row);
          }
          // The whole text goes in as the "prompt": packSequences then truncates from the start.
          const packed = packSequences(ids, ids.map(() => []), { padSide: 'right', padTokenId, ...(options.maxLength ? { maxLength: options.maxLength } : {}) });
          let r;
          try {
            r = tf.tidy(() => model.rewards(packed)); // (b,)
          } catch (err) {
            // e.g. a token id outside the model's vocabulary: say which rows were in the pass.
            const ids = rows.promptIds.slice(start, end).map((id) => `"${id}"`).join(', ');
            throw new Error(`reward model failed on rows ${start}–${end - 1} (prompt_id ${ids}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
          }
          try {
            rewards.set(await r.data(), start);
          } finally {
            r.dispose();
          }
          // Yield between forward passes so timers, I/O and unsubscribe get a turn.
          await new Promise((resolve) => setImmediate(resolve));
        }
        return { rewards };
      },
    };
  },
});
