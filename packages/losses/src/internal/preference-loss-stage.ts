/**
 * The `preferenceLoss` stage (DESIGN §4): policy log-probs of chosen and rejected completions
 * WITH gradient, the loss over them and the ref_* / reward / label columns, and one
 * {@link GradientBatch} per input batch for the update stage.
 */
import { COLUMNS, ConfigError, defineStage, readTokenLists, tf, type Batch, type GradientBatch, type Scalar, type StageContext, type Tensor1D } from '@prefstream/core';
import { packSequences, type LogProbModel } from '@prefstream/model';
import { concatMap, Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { LOSS_REGISTRY, LOSS_TYPES, type LossType } from '../loss-registry.js';
import type { PreferenceInputName, PreferenceInputs } from '../preference-inputs.js';
import { PreferenceLossOptions } from '../preference-loss-options.js';
import { countTokens, lossGradients } from '../loss-gradients.js';
import { columnsFor, readColumnInputs } from './column-inputs.js';
import { computePreferenceLoss, requiredInputs, resolveLossTypes } from './compute-preference-loss.js';
import { PackingOptions } from './packing-options.js';
import { logProbModelResource } from './resources.js';
import { asBatch, stageError } from './stage-input.js';

const STAGE = 'preferenceLoss';
const LossTypeSchema = z.enum(LOSS_TYPES as [LossType, ...LossType[]]);

/**
 * Options of the `preferenceLoss` stage: the policy resource, the loss type(s), every loss option,
 * soft labels and packing.
 * @example PreferenceLossStageOptions.parse({ loss: ['sigmoid', 'sft'], weights: [1, 0.1], beta: 0.1 })
 */
export const PreferenceLossStageOptions = z.strictObject({
  policy: z.string().default('policy').describe('Resource name of the LogProbModel being trained (its trainableVariables get gradients).'),
  loss: z
    .union([LossTypeSchema, z.array(LossTypeSchema).min(1)])
    .default('sigmoid')
    .describe('Loss type, or a list combined as Σ_k w_k·mean(loss_k) with `weights` (TRL loss_type list).'),
  ...PreferenceLossOptions.shape,
  softLabels: z.boolean().default(false).describe('Read the soft label P(chosen ≻ rejected) from the `preference` column (losses that support it).'),
  targetColumn: z
    .string()
    .optional()
    .describe('SLiC: List<Int32> column with the SFT target y_ref; unset = the chosen (best-ranked) completion [spec §3 choice].'),
  ...PackingOptions,
});
/** Parsed {@link PreferenceLossStageOptions}. */
export type PreferenceLossStageOptions = z.output<typeof PreferenceLossStageOptions>;

function lossOptionsOf(o: PreferenceLossStageOptions): PreferenceLossOptions {
  const { beta, gamma, labelSmoothing, delta, lambda, lengthNormalize, referenceFree, weights } = o;
  return { beta, gamma, labelSmoothing, delta, lambda, lengthNormalize, referenceFree, weights };
}

function typesOf(o: PreferenceLossStageOptions): LossType[] {
  return resolveLossTypes(o.loss, o.weights, `stage ${STAGE}`);
}

/** The inputs the configured loss reads (plus the soft label when enabled). */
function neededInputs(o: PreferenceLossStageOptions): PreferenceInputName[] {
  const needed = requiredInputs(typesOf(o), lossOptionsOf(o));
  return o.softLabels ? [...needed, 'preference'] : needed;
}

/** One batch → one GradientBatch. @owns the returned gradients until the receiver takes them. */
function lossStep(batch: Batch, policy: LogProbModel, o: PreferenceLossStageOptions): GradientBatch {
  const B = batch.numRows;
  const needed = neededInputs(o);
  const prompts = readTokenLists(batch, COLUMNS.promptIds, STAGE);
  const chosen = readTokenLists(batch, COLUMNS.chosenIds, STAGE);
  const rejected = readTokenLists(batch, COLUMNS.rejectedIds, STAGE);
  const target = needed.includes('refTargetLogps') ? (o.targetColumn ? readTokenLists(batch, o.targetColumn, STAGE) : chosen) : [];
  const columns = readColumnInputs(batch, needed, STAGE);
  // rows: B chosen, B rejected, then the SLiC targets (if any): one forward, as TRL's concatenated_forward
  const completions = [...chosen, ...rejected, ...target];
  const packed = packSequences(completions.map((_, i) => prompts[i % B]!), completions, { padSide: o.padSide, padTokenId: o.padTokenId, maxLength: o.maxLength });
  const lengths = Float32Array.from(packed.completionLengths);
  return lossGradients(batch, policy.trainableVariables(), countTokens(packed.attentionMask), () => {
    const { logps } = policy.sequenceLogps(packed); // (2B or 3B,)
    const inputs: PreferenceInputs = {
      chosenLogps: tf.slice(logps, 0, B),
      rejectedLogps: tf.slice(logps, B, B),
      chosenLength: tf.tensor1d(lengths.subarray(0, B)),
      rejectedLength: tf.tensor1d(lengths.subarray(B, 2 * B)),
    };
    if (target.length) inputs.refTargetLogps = tf.slice(logps, 2 * B, B);
    for (const [name, values] of Object.entries(columns)) inputs[name as PreferenceInputName] = tf.tensor1d(values) as Tensor1D;
    const result = computePreferenceLoss(typesOf(o), inputs, lossOptionsOf(o));
    return { loss: tf.mean(result.losses) as Scalar, metrics: result.metrics };
  });
}

/** The `preferenceLoss` stage definition (batch → gradients); exported merged into `preferenceLoss`. */
export const preferenceLossStage = defineStage({
  kind: STAGE,
  options: PreferenceLossStageOptions,
  input: 'batch',
  output: 'gradients',
  requires: (o) => {
    const needed = neededInputs(o);
    const target = needed.includes('refTargetLogps') && o.targetColumn ? [o.targetColumn] : [];
    return [COLUMNS.promptIds, COLUMNS.chosenIds, COLUMNS.rejectedIds, ...target, ...columnsFor(needed)];
  },
  produces: () => [],
  create: (o, ctx: StageContext): OperatorFunction<unknown, GradientBatch> => {
    // config errors at build time
    for (const t of typesOf(o)) {
      const definition = LOSS_REGISTRY[t];
      if (o.softLabels && definition.requires(lossOptionsOf(o)).includes('rejectedLogps') && !definition.optional.includes('preference')) {
        throw new ConfigError(`stage ${STAGE}`, `softLabels: loss "${t}" does not use soft labels`);
      }
    }
    const policy = logProbModelResource(ctx, o.policy, STAGE, 'policy');
    // Computed and emitted synchronously inside the inner subscription: no window in which an
    // unsubscribed consumer could drop a GradientBatch (and leak its gradients).
    return concatMap(
      (item, index) =>
        new Observable<GradientBatch>((subscriber) => {
          let out: GradientBatch;
          try {
            out = lossStep(asBatch(item as Batch, STAGE, index), policy, o);
          } catch (err) {
            subscriber.error(stageError(STAGE, index, err));
            return;
          }
          subscriber.next(out);
          subscriber.complete();
        }),
    );
  },
});
