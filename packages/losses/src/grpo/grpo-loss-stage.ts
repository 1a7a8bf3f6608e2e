/**
 * The `grpoLoss` stage (batch → gradients): the GRPO objective of {@link computeGrpoLoss} over a
 * batch of sampled completions with their advantages, emitted as one {@link GradientBatch} per
 * optimization iteration — μ = `iterations` per input batch (TRL `num_iterations`).
 *
 * Iteration k is computed only after iteration k − 1 has been emitted, and emitting hands the
 * gradients synchronously to the update stage (`applyUpdates` applies them before `next`
 * returns), so each iteration's ratio πθ/πθold is taken against the freshly updated policy:
 * generate → (gradient → update) × μ. The behaviour log-probs πθold come from the
 * `old_token_logps` column written before the first update (on μ = 1 they equal the current
 * log-probs, used detached as TRL does).
 */
import { COLUMNS, ConfigError, DataError, defineStage, readFloat32, readTokenLists, tf, type Batch, type GradientBatch, type Scalar, type StageContext, type Tensor1D, type Tensor2D } from '@prefstream/core';
import { packSequences, type LogProbModel, type PackedBatch } from '@prefstream/model';
import { concatMap, Observable, type OperatorFunction } from 'rxjs';
import { readFloatLists } from '../float-lists.js';
import { logProbModelResource } from '../internal/resources.js';
import { asBatch, stageError } from '../internal/stage-input.js';
import { countTokens, lossGradients } from '../loss-gradients.js';
import { detach } from './detach.js';
import { computeGrpoLoss } from './grpo-loss.js';
import { GrpoLossStageOptions } from './grpo-loss-options.js';

const STAGE = 'grpoLoss';

/** (B, T) dense values: row b's list spread over its completion positions, 0 elsewhere. */
function spread(lists: readonly Float32Array[], packed: PackedBatch, column: string): Float32Array {
  const { batchSize: B, seqLen: T, completionMask } = packed;
  const out = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const row = lists[b]!;
    if (row.length !== packed.completionLengths[b]) {
      throw new DataError({ file: `stage ${STAGE}`, row: b, field: column, message: `${row.length} values for ${packed.completionLengths[b]} completion tokens (same maxLength as the stage that wrote it?)` });
    }
    let k = 0;
    for (let t = 0; t < T; t++) if (completionMask[b * T + t]) out[b * T + t] = row[k++]!;
  }
  return out;
}

/** What every iteration over one batch shares: packed ids and the constant columns. */
interface Prepared {
  readonly packed: PackedBatch;
  readonly advantages: Float32Array;
  readonly old: Float32Array | undefined;
  readonly ref: Float32Array | undefined;
  readonly lengthMetrics: Record<string, number>;
}

function prepare(batch: Batch, o: GrpoLossStageOptions): Prepared {
  const where = `stage ${STAGE}`;
  const prompts = readTokenLists(batch, COLUMNS.promptIds, where);
  const completions = readTokenLists(batch, COLUMNS.completionIds, where);
  const advantages = readFloat32(batch, o.advantagesColumn, where);
  advantages.forEach((a, row) => {
    if (!Number.isFinite(a)) throw new DataError({ file: where, row, field: o.advantagesColumn, message: `non-finite advantage ${a}` });
  });
  const packed = packSequences(prompts, completions, { padSide: o.padSide, padTokenId: o.padTokenId, maxLength: o.maxLength });
  const old = o.iterations > 1 ? spread(readFloatLists(batch, o.oldColumn, where), packed, o.oldColumn) : undefined;
  const ref = o.beta > 0 ? spread(readFloatLists(batch, o.refColumn, where), packed, o.refColumn) : undefined;
  const lengths = completions.map((c) => c.length);
  const lengthMetrics = {
    'completions/mean_length': lengths.reduce((s, l) => s + l, 0) / Math.max(lengths.length, 1),
    'completions/min_length': Math.min(...lengths),
    'completions/max_length': Math.max(...lengths),
  };
  return { packed, advantages, old, ref, lengthMetrics };
}

/** One iteration's gradients. @owns the returned gradients until the receiver takes them. */
function iterationStep(batch: Batch, prepared: Prepared, policy: LogProbModel, o: GrpoLossStageOptions): GradientBatch {
  const { packed, advantages, old, ref } = prepared;
  const shape: [number, number] = [packed.batchSize, packed.seqLen];
  const out = lossGradients(batch, policy.trainableVariables(), countTokens(packed.attentionMask), () => {
    const { tokenLogps } = policy.sequenceLogps(packed); // (B, T), 0 off the completion
    const mask = tf.tensor2d(Float32Array.from(packed.completionMask), shape); // (B, T)
    const result = computeGrpoLoss(
      {
        logps: tokenLogps,
        oldLogps: old ? (tf.tensor2d(old, shape) as Tensor2D) : detach(tokenLogps),
        ...(ref ? { refLogps: tf.tensor2d(ref, shape) as Tensor2D } : {}),
        advantages: tf.tensor1d(advantages) as Tensor1D,
        mask,
      },
      o,
    );
    return { loss: result.loss as Scalar, metrics: result.metrics };
  });
  return { ...out, metrics: { ...out.metrics, ...prepared.lengthMetrics } };
}

/**
 * Stage definition (kind `grpoLoss`, batch → gradients). Requires `prompt_ids`,
 * `completion_ids`, `advantages`, plus `old_token_logps` when μ > 1 and `ref_token_logps` when β > 0.
 * Metrics per gradient batch: `kl` (β > 0), `clip_ratio/low_mean`, `clip_ratio/high_mean`,
 * `clip_ratio/region_mean`, `completions/mean_length`, `completions/min_length`, `completions/max_length`;
 * an input batch without rows emits nothing and is counted in `grpo/empty_batches` (with a warning).
 * @example
 * // YAML: - { kind: grpoLoss, beta: 0.04, iterations: 2, epsilonHigh: 0.28 }
 * batches$.pipe(grpoLoss.create(GrpoLossStageOptions.parse({ iterations: 2 }), ctx), applyUpdatesOperator)
 */
export const grpoLoss = defineStage({
  kind: STAGE,
  options: GrpoLossStageOptions,
  input: 'batch',
  output: 'gradients',
  requires: (o) => [COLUMNS.promptIds, COLUMNS.completionIds, o.advantagesColumn, ...(o.iterations > 1 ? [o.oldColumn] : []), ...(o.beta > 0 ? [o.refColumn] : [])],
  produces: () => [],
  create: (o, ctx: StageContext): OperatorFunction<unknown, GradientBatch> => {
    if (o.lossType === 'dr_grpo' && o.maxCompletionLength === undefined) {
      throw new ConfigError(`stage ${STAGE}`, 'lossType dr_grpo needs maxCompletionLength (TRL max_completion_length)');
    }
    const policy = logProbModelResource(ctx, o.policy, STAGE, 'policy');
    let emptyBatches = 0;
    return concatMap(
      (item, index) =>
        new Observable<GradientBatch>((subscriber) => {
          let prepared: Prepared;
          try {
            if (asBatch(item as Batch, STAGE, index).numRows === 0) {
              // nothing to learn from (e.g. every prompt failed generation with onError: skip); counted, not hidden
              emptyBatches += 1;
              ctx.log.warn(`${STAGE}: batch ${index} has no rows; no update (${emptyBatches} so far)`);
              ctx.metrics.record({ 'grpo/empty_batches': emptyBatches }, { stage: STAGE });
              subscriber.complete();
              return;
            }
            prepared = prepare(item as Batch, o);
          } catch (err) {
            subscriber.error(stageError(STAGE, index, err));
            return;
          }
          // Each iteration is computed after the previous one was handed on (and applied).
          for (let k = 0; k < o.iterations && !subscriber.closed; k++) {
            let out: GradientBatch;
            try {
              out = iterationStep(item as Batch, prepared, policy, o);
            } catch (err) {
              subscriber.error(stageError(STAGE, index, err));
              return;
            }
            subscriber.next(out);
          }
          subscriber.complete();
        }),
    );
  },
});
