/**
 * The update stage (DESIGN §7): gradients in, one row of step metrics out.
 *
 * Input: {@link GradientBatch} items from a loss stage; this stage @owns and disposes their
 * gradients. Every `gradientAccumulationSteps` micro-batches (and once more at the end of the
 * stream for a partial window) it averages the gradients weighted by rows, checks that the loss and
 * the gradient norm are finite, and applies one optimizer update to the model's trainable variables.
 *
 * Output: for each applied update, an Arrow batch of one row under TRL's metric names (see
 * {@link APPLY_UPDATES_METRICS}); the same values go to `ctx.metrics.record`. A step with a
 * non-finite loss or gradient is skipped (nothing is emitted, the variables are untouched, a
 * warning names the micro-batches); `maxConsecutiveSkips` skips in a row end the stream with a
 * {@link StageError}.
 */
import { Observable } from 'rxjs';
import { z } from 'zod';
import { defineStage, StageError, tf, type Batch, type FlowItem, type GradientBatch, type StageContext } from '@prefstream/core';
import type { LogProbModel } from '@prefstream/model';
import { globalNorm } from '../optim/global-norm.js';
import { createOptimizer, type Optimizer } from '../optim/optimizer.js';
import { OptimizerConfig } from '../optim/optimizer-config.js';
import { GradientAccumulator, type Accumulated } from './internal/gradient-accumulator.js';
import { metricsBatch } from './internal/metrics-batch.js';

const STAGE = 'applyUpdates';

/** Schema-metadata key of an input batch that carries the (fractional) epoch; sources set it. */
export const EPOCH_METADATA_KEY = 'epoch';

/**
 * The columns of every emitted row. `step`: updates applied so far (Int32; 1 after the first).
 * `epoch`: from the input batches' `epoch` metadata (0 when absent). `loss`: row-weighted mean loss
 * of the step's micro-batches. `grad_norm`: global L2 norm of the averaged gradient before clipping.
 * `learning_rate`: the rate this update used. `tokens_per_second`: tokens of the step's micro-batches
 * over the wall time since the previous step (upstream work included). `skipped_steps`: steps
 * skipped so far for a non-finite loss or gradient (Int32). The loss's own metrics
 * (`rewards/chosen`, …) are added under their names, row-weighted over the micro-batches.
 */
export const APPLY_UPDATES_METRICS = ['step', 'epoch', 'loss', 'grad_norm', 'learning_rate', 'tokens_per_second', 'skipped_steps'] as const;

/** Options of {@link applyUpdates}; each field's description is its documentation. */
export const ApplyUpdatesOptions = z
  .strictObject({
    model: z.string().min(1).default('policy').describe('Name in ctx.resources of the LogProbModel whose trainable variables are updated.'),
    optimizer: OptimizerConfig.optional().describe('The optimizer (default: adamw with its defaults). Exclusive with optimizerResource.'),
    optimizerResource: z
      .string()
      .min(1)
      .optional()
      .describe('Name in ctx.resources of an Optimizer made by the run, which checkpoints and restores it. Without it the stage makes one per subscription and frees it on teardown.'),
    gradientAccumulationSteps: z
      .int()
      .positive()
      .default(1)
      .describe('Micro-batches per optimizer update (HF `gradient_accumulation_steps`); gradients are averaged weighted by rows.'),
    maxConsecutiveSkips: z
      .int()
      .positive()
      .default(5)
      .describe('Skipped (non-finite) steps in a row that stop the run: one bad batch is noise, five mean divergence.'),
  })
  .refine((o) => !(o.optimizer && o.optimizerResource), { message: 'give either optimizer or optimizerResource, not both', path: ['optimizerResource'] });
export type ApplyUpdatesOptions = z.output<typeof ApplyUpdatesOptions>;

/**
 * @example
 * // { kind: 'applyUpdates', model: 'policy', gradientAccumulationSteps: 4,
 * //   optimizer: { name: 'adamw', learningRate: 5e-7, schedule: { kind: 'linear', warmupSteps: 150, totalSteps: 2000 } } }
 * gradients$.pipe(applyUpdates.create(ApplyUpdatesOptions.parse({ gradientAccumulationSteps: 4 }), ctx))
 */
export const applyUpdates = defineStage({
  kind: STAGE,
  options: ApplyUpdatesOptions,
  input: 'gradients',
  output: 'batch',
  requires: () => [],
  produces: () => [...APPLY_UPDATES_METRICS],
  create(options, ctx) {
    const model = resolveModel(ctx, options.model);
    const shared = options.optimizerResource ? resolveOptimizer(ctx, options.optimizerResource, model) : undefined;
    const config = options.optimizer ?? OptimizerConfig.parse({ name: 'adamw' });
    return (source) =>
      new Observable<FlowItem>((subscriber) => {
        const optimizer = shared ?? createOptimizer(config, model.trainableVariables());
        const accumulator = new GradientAccumulator();
        let nextIndex = 0;
        let skipped = 0;
        let consecutive = 0;
        let epoch = 0;
        let windowStart = performance.now();

        /** One optimizer step from the accumulated window; the metrics row, or undefined if skipped. */
        const step = (): Record<string, number> | undefined => {
          const window = accumulator.take();
          let gradNorm: number;
          let learningRate = 0;
          try {
            const norm = globalNorm(window.gradients);
            gradNorm = norm.dataSync()[0]!;
            norm.dispose();
            if (!window.nonFiniteLoss && Number.isFinite(gradNorm)) learningRate = optimizer.apply(window.gradients).learningRate;
          } finally {
            tf.dispose(window.gradients);
          }
          const now = performance.now();
          const seconds = Math.max((now - windowStart) / 1000, 1e-9);
          windowStart = now;
          if (window.nonFiniteLoss || !Number.isFinite(gradNorm)) return skip(window, gradNorm);
          consecutive = 0;
          return {
            ...window.metrics,
            step: optimizer.step,
            epoch,
            loss: window.loss,
            grad_norm: gradNorm,
            learning_rate: learningRate,
            tokens_per_second: window.tokens / seconds,
            skipped_steps: skipped,
          };
        };

        const skip = (window: Accumulated, gradNorm: number): undefined => {
          skipped += 1;
          consecutive += 1;
          const why = window.nonFiniteLoss ? `loss ${window.loss}` : `gradient norm ${gradNorm}`;
          const where = `micro-batch${window.microBatches > 1 ? 'es' : ''} ${window.batchIndices.join(', ')}`;
          ctx.log.warn(`${STAGE}: skipped the update after step ${optimizer.step} (non-finite ${why}) from ${where}; ${consecutive} in a row`);
          ctx.metrics.record({ skipped_steps: skipped }, { stage: STAGE, step: optimizer.step });
          if (consecutive >= options.maxConsecutiveSkips) {
            throw new StageError({
              stage: STAGE,
              batchIndex: window.batchIndices[window.batchIndices.length - 1],
              message: `${consecutive} optimizer steps in a row had a non-finite loss or gradient (last: ${why} from ${where}); training has diverged — lower the learning rate or check the inputs of the loss`,
            });
          }
          return undefined;
        };

        const emitStep = (lastIndex: number): void => {
          let row: Record<string, number> | undefined;
          try {
            row = step();
          } catch (cause) {
            subscriber.error(cause instanceof StageError ? cause : new StageError({ stage: STAGE, batchIndex: lastIndex, cause }));
            return;
          }
          if (!row) return;
          ctx.metrics.record(row, { stage: STAGE, step: row.step! });
          subscriber.next(metricsBatch(row));
        };

        const subscription = source.subscribe({
          next(item) {
            const index = nextIndex++;
            const gradientBatch = isGradientBatch(item) ? item : undefined;
            try {
              if (!gradientBatch) throw new Error(`expected a gradient batch from a loss stage, got ${describe(item)}`);
              epoch = epochOf(gradientBatch.batch, epoch);
              accumulator.add(gradientBatch, index);
            } catch (cause) {
              subscriber.error(new StageError({ stage: STAGE, batchIndex: index, cause }));
              return;
            } finally {
              if (gradientBatch) tf.dispose(gradientBatch.gradients);
            }
            if (accumulator.microBatches >= options.gradientAccumulationSteps) emitStep(index);
          },
          error: (error) => subscriber.error(error),
          complete() {
            // A partial window at the end still steps: its rows weigh what they are.
            if (accumulator.microBatches > 0) emitStep(nextIndex - 1);
            if (!subscriber.closed) subscriber.complete();
          },
        });

        return () => {
          subscription.unsubscribe();
          accumulator.dispose();
          if (!shared) optimizer.dispose();
        };
      });
  },
});

function isGradientBatch(item: FlowItem): item is GradientBatch {
  return typeof item === 'object' && item !== null && (item as { kind?: unknown }).kind === 'gradients';
}

function describe(item: unknown): string {
  if (item && typeof item === 'object' && 'schema' in item) return 'a record batch (is the loss stage before applyUpdates?)';
  return item === null ? 'null' : typeof item;
}

function epochOf(batch: Batch, previous: number): number {
  const raw = batch?.schema?.metadata?.get(EPOCH_METADATA_KEY);
  if (raw === undefined) return previous;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`batch metadata "${EPOCH_METADATA_KEY}" is "${raw}", not an epoch`);
  return value;
}

function resolveModel(ctx: StageContext, name: string): LogProbModel {
  const model = ctx.resources.get(name) as Partial<LogProbModel> | undefined;
  if (!model || typeof model.trainableVariables !== 'function') {
    const known = [...ctx.resources.keys()].join(', ') || 'none';
    throw new StageError({ stage: STAGE, message: `resource "${name}" is not a model with trainable variables (resources: ${known})` });
  }
  return model as LogProbModel;
}

function resolveOptimizer(ctx: StageContext, name: string, model: LogProbModel): Optimizer {
  const optimizer = ctx.resources.get(name) as Partial<Optimizer> | undefined;
  if (!optimizer || typeof optimizer.apply !== 'function' || !optimizer.variables) {
    throw new StageError({ stage: STAGE, message: `resource "${name}" is not an Optimizer (make one with createOptimizer)` });
  }
  const variables = model.trainableVariables();
  for (const [key, variable] of variables) {
    if (optimizer.variables.get(key) !== variable) throw new StageError({ stage: STAGE, message: `optimizer "${name}" does not hold the model's variable "${key}"` });
  }
  return optimizer as Optimizer;
}
