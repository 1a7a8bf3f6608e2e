/**
 * `applyTaskVector`: writes θ_target + α·(m ⊙ v) (Reasoning Vectors, arXiv 2509.01363) once, when
 * the pipeline starts, before the first batch passes; batches then flow through unchanged. So a
 * pipeline can merge a checkpoint and evaluate the result in the stages after it — e.g. a
 * `generateCandidates` stage whose `workers` engine loads the merged directory, then a reward.
 * The merge itself is the model package's `applyVector`: tensor by tensor, atomic output.
 */
import { existsSync } from 'node:fs';
import { concatMap, defer, from, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { defineStage, type FlowItem } from '@prefstream/core';
import { applyVector } from '@prefstream/model';

const STAGE = 'applyTaskVector';

/** A regular expression given as a string (validated when the config is parsed). */
const pattern = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/** Options of {@link applyTaskVector}. */
export const ApplyTaskVectorOptions = z.strictObject({
  target: z.string().min(1).describe('θ_target: model directory receiving the vector.'),
  vector: z.string().min(1).describe('Vector directory written by `prefstream vector extract` (θ_tuned − θ_base).'),
  out: z.string().min(1).describe('Output model directory; it appears only when complete.'),
  alpha: z.number().finite().default(1).describe('Scale α; −1 subtracts the vector (the paper\'s ablation).'),
  include: pattern.optional().describe('Only tensors whose name matches take the vector.'),
  exclude: pattern.optional().describe('Tensors whose name matches are copied unchanged.'),
  ifExists: z.enum(['fail', 'reuse']).default('fail').describe('`reuse` keeps an existing `out` (e.g. on resume) instead of failing.'),
});
/** Parsed {@link ApplyTaskVectorOptions}. */
export type ApplyTaskVectorOptions = z.output<typeof ApplyTaskVectorOptions>;

/**
 * Stage definition (kind `applyTaskVector`, batch → batch; requires and produces no column).
 * Metrics (once): `merge/tensors_written`, `merge/computed`, `merge/skipped_by_mask`, `merge/bytes_written`.
 * @example
 * // YAML, before the stages that evaluate the merged model:
 * // - { kind: applyTaskVector, target: runs/sft-b, vector: vectors/reasoning, out: runs/sft-b+v }
 * // - { kind: generateCandidates, n: 4, engine: { kind: workers, checkpoint: runs/sft-b+v } }
 */
export const applyTaskVector = defineStage({
  kind: STAGE,
  options: ApplyTaskVectorOptions,
  input: 'batch',
  output: 'batch',
  requires: () => [],
  produces: () => [],
  create(o, ctx): OperatorFunction<FlowItem, FlowItem> {
    const merge = async (): Promise<void> => {
      if (o.ifExists === 'reuse' && existsSync(o.out)) {
        ctx.log.info(`${STAGE}: reusing ${o.out}`);
        return;
      }
      const summary = await applyVector({
        target: o.target,
        vector: o.vector,
        out: o.out,
        alpha: o.alpha,
        ...(o.include === undefined ? {} : { include: new RegExp(o.include) }),
        ...(o.exclude === undefined ? {} : { exclude: new RegExp(o.exclude) }),
      });
      ctx.metrics.record(
        { 'merge/tensors_written': summary.tensorsWritten, 'merge/computed': summary.computed, 'merge/skipped_by_mask': summary.skippedByMask, 'merge/bytes_written': summary.bytesWritten },
        { stage: STAGE },
      );
      ctx.log.info(`${STAGE}: wrote ${summary.outDir} (${summary.computed} tensors changed, ${summary.skippedByMask} masked)`);
    };
    // The source is subscribed only after the merge: a pull-based source reads nothing before it.
    return (source) => defer(() => from(merge())).pipe(concatMap(() => source));
  },
});
