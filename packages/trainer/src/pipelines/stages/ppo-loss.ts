/**
 * `ppoLoss`: the optimization half of PPO on one minibatch (TRL `PPOTrainer`, inner loop):
 * log-probs and values under the current weights, then `ppoPolicyLoss` (clip ε) +
 * `vfCoef · ppoValueLoss` (clip c), as one {@link GradientBatch} for `applyUpdates`.
 */
import { z } from 'zod';
import { COLUMNS, defineStage, readTokenLists, tf, type Batch, type Scalar, type Tensor2D } from '@prefstream/core';
import { lossGradients, OLD_TOKEN_LOGPS, readFloatLists } from '@prefstream/losses';
import { packSequences } from '@prefstream/model';
import { gradientSteps } from '../internal/gradient-step.js';
import { PackingOptions } from '../internal/packing.js';
import { completionPositions, PPO_ADVANTAGES, PPO_RETURNS, PPO_VALUES, scatterRows } from './ppo-columns.js';
import { maskedMean, ppoPolicyLoss, ppoValueLoss } from './ppo-losses.js';
import { valueModelOf } from './ppo-value-model.js';

const STAGE = 'ppoLoss';

/** Options of {@link ppoLoss}; defaults are TRL's `PPOConfig`. */
export const PpoLossOptions = z.strictObject({
  policy: z.string().min(1).default('policy').describe('Resource name of the policy with a value head being trained.'),
  oldLogps: z.string().min(1).default(OLD_TOKEN_LOGPS).describe('List<Float32> column of the behaviour log-probs.'),
  clipRange: z.number().positive().default(0.2).describe('ε of the clipped ratio (TRL `cliprange`).'),
  clipRangeValue: z.number().positive().default(0.2).describe('c of the clipped value (TRL `cliprange_value`).'),
  vfCoef: z.number().min(0).default(0.1).describe('Weight of the value loss (TRL `vf_coef`).'),
  ...PackingOptions,
});
/** Parsed {@link PpoLossOptions}. */
export type PpoLossOptions = z.output<typeof PpoLossOptions>;

/**
 * Stage definition (kind `ppoLoss`, batch → gradients). Metrics (TRL names, token means of the
 * minibatch): `loss/policy_avg`, `loss/value_avg`, `policy/clipfrac_avg`, `val/clipfrac_avg`,
 * `policy/approxkl_avg`, `val/ratio` (mean ρ).
 * @example
 * // YAML: - { kind: ppoLoss, clipRange: 0.2, vfCoef: 0.1 }
 */
export const ppoLoss = defineStage({
  kind: STAGE,
  options: PpoLossOptions,
  input: 'batch',
  output: 'gradients',
  requires: (o) => [COLUMNS.promptIds, COLUMNS.completionIds, o.oldLogps, PPO_VALUES, PPO_ADVANTAGES, PPO_RETURNS],
  produces: () => [],
  create(o, ctx) {
    const policy = valueModelOf(ctx, o.policy, STAGE);
    const where = `stage ${STAGE}`;
    return gradientSteps(STAGE, (batch: Batch) => {
      const packed = packSequences(readTokenLists(batch, COLUMNS.promptIds, where), readTokenLists(batch, COLUMNS.completionIds, where), o);
      const { batchSize: B, seqLen: T } = packed;
      const at = completionPositions(packed);
      const column = (name: string) => scatterRows(readFloatLists(batch, name, where), at, B * T, name); // (B·T)
      const oldLogps = column(o.oldLogps);
      const oldValues = column(PPO_VALUES);
      const advantages = column(PPO_ADVANTAGES);
      const returns = column(PPO_RETURNS);
      let tokens = 0;
      for (const m of packed.attentionMask) tokens += m;
      return lossGradients(batch, policy.trainableVariables(), tokens, () => {
        const t2 = (x: Float32Array) => tf.tensor2d(x, [B, T]) as Tensor2D;
        const mask = t2(Float32Array.from(packed.completionMask));
        const logps = policy.sequenceLogps(packed).tokenLogps; // (B, T)
        const values = policy.tokenValues(packed); // (B, T)
        const pg = ppoPolicyLoss({ logps, oldLogps: t2(oldLogps), advantages: t2(advantages), mask }, o.clipRange);
        const vf = ppoValueLoss({ values, oldValues: t2(oldValues), returns: t2(returns), mask }, o.clipRangeValue);
        return {
          loss: tf.add(pg.loss, tf.mul(o.vfCoef, vf.loss)) as Scalar,
          metrics: {
            'loss/policy_avg': pg.loss,
            'loss/value_avg': vf.loss,
            'policy/clipfrac_avg': pg.clipfrac,
            'val/clipfrac_avg': vf.clipfrac,
            'policy/approxkl_avg': pg.approxkl,
            'val/ratio': maskedMean(tf.exp(tf.sub(logps, t2(oldLogps))) as Tensor2D, mask),
          },
        };
      });
    });
  },
});
