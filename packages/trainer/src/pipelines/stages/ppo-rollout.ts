/**
 * `ppoRollout`: the rollout half of PPO for one batch of sampled completions (TRL `PPOTrainer`
 * steps 3–6). From the behaviour log-probs (`old_token_logps`), the reference log-probs
 * (`ref_token_logps`), the sequence score (`reward`) and the values V_old(s_t) of the policy's
 * value head it writes, per completion token:
 * `r_t = −β_KL·(logπ_old − logπ_ref)` (+ score on the last token) → GAE(γ, λ) →
 * `ppo_advantages` (whitened over the batch, as TRL) and `ppo_returns`, plus `ppo_values`.
 */
import { concatMap } from 'rxjs';
import { z } from 'zod';
import { COLUMNS, DataError, defineStage, readFloat32, readTokenLists, StageError, tf, withColumns, type Batch, type StageContext } from '@prefstream/core';
import { floatListVector, OLD_TOKEN_LOGPS, readFloatLists, REF_TOKEN_LOGPS } from '@prefstream/losses';
import { packSequences } from '@prefstream/model';
import { PackingOptions } from '../internal/packing.js';
import { gae, tokenRewards, whiten } from './ppo-advantages.js';
import { completionPositions, gatherRows, PPO_ADVANTAGES, PPO_RETURNS, PPO_VALUES } from './ppo-columns.js';
import { valueModelOf } from './ppo-value-model.js';

const STAGE = 'ppoRollout';

/** Options of {@link ppoRollout}; defaults are TRL's `PPOConfig`. */
export const PpoRolloutOptions = z.strictObject({
  policy: z.string().min(1).default('policy').describe('Resource name of the policy with a value head (PolicyWithValueHead).'),
  score: z.string().min(1).default(COLUMNS.reward).describe('Float32 column of the sequence score added on the last completion token.'),
  oldLogps: z.string().min(1).default(OLD_TOKEN_LOGPS).describe('List<Float32> column of the behaviour log-probs.'),
  refLogps: z.string().min(1).default(REF_TOKEN_LOGPS).describe('List<Float32> column of the reference log-probs.'),
  klCoef: z.number().min(0).default(0.05).describe('β_KL of the per-token KL penalty (TRL `kl_coef`).'),
  gamma: z.number().min(0).max(1).default(1).describe('Discount γ (TRL `gamma`).'),
  lambda: z.number().min(0).max(1).default(0.95).describe('GAE λ (TRL `lam`).'),
  whitenRewards: z.boolean().default(false).describe('Whiten the token rewards over the batch, mean kept (TRL `whiten_rewards`).'),
  microBatchSize: z.int().positive().default(8).describe('Sequences per value forward.'),
  ...PackingOptions,
});
/** Parsed {@link PpoRolloutOptions}. */
export type PpoRolloutOptions = z.output<typeof PpoRolloutOptions>;

/**
 * Stage definition (kind `ppoRollout`, batch → batch). Metrics (TRL names, means over the
 * batch's rows): `objective/scores`, `objective/kl` (Σ_t logπ_old − logπ_ref), `objective/entropy`
 * (Σ_t −logπ_old, TRL's sampled-token estimate), `objective/non_score_reward` (Σ_t −β·kl_t),
 * `objective/rlhf_reward` (scores + non-score reward), `val/mean` (mean V_old over tokens).
 * @example
 * // YAML: - { kind: ppoRollout, klCoef: 0.05, gamma: 1, lambda: 0.95 }
 */
export const ppoRollout = defineStage({
  kind: STAGE,
  options: PpoRolloutOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [COLUMNS.promptIds, COLUMNS.completionIds, o.score, o.oldLogps, o.refLogps],
  produces: () => [PPO_VALUES, PPO_ADVANTAGES, PPO_RETURNS],
  create(o, ctx: StageContext) {
    const policy = valueModelOf(ctx, o.policy, STAGE);
    const where = `stage ${STAGE}`;
    return concatMap(async (item, index) => {
      try {
        const batch = item as Batch;
        const prompts = readTokenLists(batch, COLUMNS.promptIds, where);
        const completions = readTokenLists(batch, COLUMNS.completionIds, where);
        const scores = readFloat32(batch, o.score, where);
        const old = readFloatLists(batch, o.oldLogps, where);
        const ref = readFloatLists(batch, o.refLogps, where);
        const values: Float32Array[] = [];
        for (let start = 0; start < prompts.length; start += o.microBatchSize) {
          const packed = packSequences(prompts.slice(start, start + o.microBatchSize), completions.slice(start, start + o.microBatchSize), o);
          const flat = tf.tidy(() => policy.tokenValues(packed)); // (b, T)
          try {
            values.push(...gatherRows((await flat.data()) as Float32Array, completionPositions(packed)));
          } finally {
            flat.dispose();
          }
        }
        let kl = 0;
        let entropy = 0;
        let nonScore = 0;
        let valueSum = 0;
        let tokens = 0;
        let rewards = old.map((lp, b) => {
          if (lp.length !== values[b]!.length || ref[b]!.length !== lp.length) {
            throw new DataError({ file: where, row: b, field: o.oldLogps, message: `${lp.length} behaviour, ${ref[b]!.length} reference log-probs and ${values[b]!.length} values for one completion` });
          }
          if (!Number.isFinite(scores[b]!)) throw new DataError({ file: where, row: b, field: o.score, message: `non-finite score ${scores[b]}` });
          const r = tokenRewards(lp, ref[b]!, scores[b]!, o.klCoef);
          for (let t = 0; t < lp.length; t++) {
            kl += lp[t]! - ref[b]![t]!;
            entropy -= lp[t]!;
            nonScore += r[t]! - (t === lp.length - 1 ? scores[b]! : 0);
            valueSum += values[b]![t]!;
            tokens++;
          }
          return r;
        });
        if (o.whitenRewards) rewards = whiten(rewards, false);
        const estimates = rewards.map((r, b) => gae(r, values[b]!, o.gamma, o.lambda));
        const advantages = whiten(estimates.map((e) => e.advantages));
        const B = prompts.length;
        const meanScore = scores.reduce((s, x) => s + x, 0) / Math.max(B, 1);
        ctx.metrics.record(
          {
            'objective/scores': meanScore,
            'objective/kl': kl / Math.max(B, 1),
            'objective/entropy': entropy / Math.max(B, 1),
            'objective/non_score_reward': nonScore / Math.max(B, 1),
            'objective/rlhf_reward': meanScore + nonScore / Math.max(B, 1),
            'val/mean': valueSum / Math.max(tokens, 1),
          },
          { stage: STAGE, step: index },
        );
        return withColumns(batch, {
          [PPO_VALUES]: floatListVector(values),
          [PPO_ADVANTAGES]: floatListVector(advantages.map((a) => Float32Array.from(a))),
          [PPO_RETURNS]: floatListVector(estimates.map((e) => Float32Array.from(e.returns))),
        });
      } catch (cause) {
        throw cause instanceof StageError ? cause : new StageError({ stage: STAGE, batchIndex: index, cause });
      }
    });
  },
});
