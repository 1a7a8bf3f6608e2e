/**
 * DPO (Rafailov et al., arXiv 2305.18290): read pairs → tokenize → reference log-probs → loss
 * `sigmoid` → update (DESIGN §4).
 */
import { z } from 'zod';
import type { StageSpec } from '@prefstream/core';
import { LOSS_TYPES, type LossType } from '@prefstream/losses';
import { definePipelineKind } from './pipeline-kind.js';
import { maxLength, tokenized } from './internal/shared-options.js';

const LossType = z.enum(LOSS_TYPES as [LossType, ...LossType[]]);

/** Options of the `dpo` pipeline. */
export const DpoOptions = z.strictObject({
  beta: z.number().positive().default(0.1).describe('β, the KL strength (DPO Eq. 7; TRL default 0.1).'),
  loss: z.union([LossType, z.array(LossType).min(1)]).default('sigmoid').describe('Loss type(s) of preferenceLoss (TRL `loss_type`).'),
  labelSmoothing: z.number().min(0).lt(0.5).default(0).describe('cDPO label smoothing ε.'),
  referenceMicroBatch: z.int().positive().default(8).describe('Sequences per reference forward.'),
  tokenized,
  maxLength,
});
export type DpoOptions = z.output<typeof DpoOptions>;

/** The `dpo` pipeline kind. @example dpoPipeline.stages(DpoOptions.parse({ beta: 0.1 })) */
export const dpoPipeline = definePipelineKind({
  name: 'dpo',
  options: DpoOptions,
  trains: () => 'policy',
  stages: (o): StageSpec[] => [
    ...(o.tokenized ? [] : [{ kind: 'tokenize' }]),
    { kind: 'referenceLogps', microBatchSize: o.referenceMicroBatch, maxLength: o.maxLength },
    { kind: 'preferenceLoss', loss: o.loss, beta: o.beta, labelSmoothing: o.labelSmoothing, maxLength: o.maxLength },
    { kind: 'applyUpdates' },
  ],
});
