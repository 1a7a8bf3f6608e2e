/**
 * C-RLFT's class-weighted NLL (OpenChat arXiv 2309.11235, spec §6):
 *   token-level (default):  L = Σ_t w_t·NLL_t / Σ_t w_t   over the whole batch
 *   perSequence:            the same with each message's weight divided by its token count
 * Per-token weights are data (one per position of the packed batch): the class reward on an
 * assistant message's content and end-of-turn tokens, 0 on role prefixes, system, BOS and padding.
 */
import { DataError, parseConfig, tf, type Scalar, type Tensor2D } from '@prefstream/core';
import { z } from 'zod';
import { segmentNormalizedWeights } from './internal/segment-weights.js';

/** Options of {@link weightedNll}. */
export const WeightedNllOptions = z.strictObject({
  perSequence: z
    .boolean()
    .default(false)
    .describe('Divide each message\'s weight by its token count, so long and short answers weigh the same (spec §6). Default: token-level, as OpenChat.'),
});
/** Parsed {@link WeightedNllOptions}. */
export type WeightedNllOptions = z.output<typeof WeightedNllOptions>;

/**
 * @param tokenLogps (B, T) log p(token_t | tokens_<t), e.g. `SequenceLogps.tokenLogps`. @borrows
 * @param weights (B·T) row-major per-token weights ≥ 0.
 * @param segmentIds (B·T) optional message index per token; by default a message is a maximal run
 *   of equal non-zero weight within a row (C-RLFT's role prefixes, weight 0, separate messages).
 * @owns the returned scalars (caller's tidy scope). Σw = 0 gives loss 0.
 * @example
 * // T13: NLL (0.5, 1.0) at weight 1 and 2.0 at weight 0.1 ⇒ 1.7 / 2.1
 * tf.tidy(() => weightedNll(tf.tensor2d([[-0.5, -1, -2]]), [1, 1, 0.1]).loss.dataSync()[0]); // 0.8095238
 */
export function weightedNll(
  tokenLogps: Tensor2D,
  weights: Float32Array | readonly number[],
  options: z.input<typeof WeightedNllOptions> = {},
  segmentIds?: Int32Array,
): { loss: Scalar; metrics: Record<string, Scalar> } {
  const { perSequence } = parseConfig(WeightedNllOptions, options, 'weightedNll');
  const [B, T] = tokenLogps.shape;
  if (weights.length !== B * T) {
    throw new DataError({ file: 'weightedNll', field: 'weights', message: `${weights.length} weights for a (${B}, ${T}) batch` });
  }
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new DataError({ file: 'weightedNll', row: Math.floor(i / T), field: 'weights', message: `token ${i % T}: weight ${w} is not a finite number ≥ 0` });
    }
  }
  const effective = perSequence ? segmentNormalizedWeights(weights, B, T, segmentIds) : Float32Array.from(weights);
  let total = 0;
  let tokens = 0;
  for (const w of effective) {
    total += w;
    if (w > 0) tokens++;
  }
  const w = tf.tensor2d(effective, [B, T]);
  const weightedSum = tf.sum(tf.mul(w, tf.neg(tokenLogps))); // Σ_t w_t·NLL_t
  const loss = tf.div(weightedSum, total > 0 ? total : 1) as Scalar;
  return { loss, metrics: { 'nll/weighted': loss, 'tokens/weighted': tf.scalar(tokens), 'weight/sum': tf.scalar(total) } };
}

/**
 * Class weights from class rewards (the paper's exp(r/β) form, scaled so the best class has 1):
 * w_c = exp((r_c − max r)/β). With rewards {expert: 1, sub-optimal: 0.1} and β = 0.9/ln 10 ≈ 0.39087
 * this is {1, 0.1}, the raw-weight default.
 * @example classWeightsFromRewards({ GPT4: 1, GPT3: 0.1 }, 0.39087) // { GPT4: 1, GPT3: ≈0.1 }
 */
export function classWeightsFromRewards(rewards: Readonly<Record<string, number>>, beta: number): Record<string, number> {
  if (!(beta > 0)) throw new Error(`classWeightsFromRewards: beta must be > 0, got ${beta}`);
  const max = Math.max(...Object.values(rewards));
  return Object.fromEntries(Object.entries(rewards).map(([c, r]) => [c, Math.exp((r - max) / beta)]));
}
