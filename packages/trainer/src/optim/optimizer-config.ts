/**
 * The optimizer section of a run config (YAML / JSON / TS), one strict schema per named optimizer
 * in a union discriminated on `name`. Defaults follow the reference each optimizer is checked
 * against; the *why* of each is in its description.
 */
import { z } from 'zod';
import { ScheduleConfig } from './schedules.js';

const common = {
  learningRate: z
    .number()
    .positive()
    .default(1e-6)
    .describe('Peak learning rate. 1e-6 is TRL DPOConfig\'s default and the DPO paper\'s setting.'),
  schedule: ScheduleConfig.prefault({ kind: 'constant' }).describe('Warmup and decay of the rate (default: constant, no warmup).'),
  maxGradNorm: z
    .number()
    .positive()
    .nullable()
    .default(1.0)
    .describe('Clip the global gradient norm to this (HF TrainingArguments `max_grad_norm` = 1.0); null = no clipping.'),
};

const adamMoments = {
  b1: z.number().min(0).lt(1).default(0.9).describe('Adam β1 (torch / optax default).'),
  b2: z.number().min(0).lt(1).default(0.999).describe('Adam β2 (torch / optax default).'),
  eps: z.number().min(0).default(1e-8).describe('Adam ε, outside the square root (torch / optax default).'),
};

/** `adam`: Adam without weight decay (use `adamw` for decay). */
export const AdamConfig = z.strictObject({ name: z.literal('adam'), ...common, ...adamMoments });

/** `adamw`: Adam with decoupled weight decay, as torch.optim.AdamW. */
export const AdamWConfig = z.strictObject({
  name: z.literal('adamw'),
  ...common,
  ...adamMoments,
  weightDecay: z.number().min(0).default(0.01).describe('Decoupled weight decay λ (torch.optim.AdamW default 0.01).'),
  weightDecayExclude: z
    .array(
      z.string().refine((pattern) => {
        try {
          new RegExp(pattern);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression'),
    )
    .default([])
    .describe('Regular expressions of parameter names that do not decay (e.g. "\\\\.bias$"); default: all decay, as torch.'),
});

/** `sgd`: plain or momentum SGD, as torch.optim.SGD. */
export const SgdConfig = z
  .strictObject({
    name: z.literal('sgd'),
    ...common,
    momentum: z.number().min(0).lt(1).default(0).describe('Heavy-ball momentum μ (torch.optim.SGD default 0 = plain SGD).'),
    nesterov: z.boolean().default(false).describe('Nesterov momentum; needs momentum > 0, as in torch.'),
  })
  .refine((c) => !c.nesterov || c.momentum > 0, { message: 'nesterov needs momentum > 0', path: ['nesterov'] });

/** `rmsprop`: as torch.optim.RMSprop (no momentum, not centered); the DPO paper's optimizer. */
export const RmspropConfig = z.strictObject({
  name: z.literal('rmsprop'),
  ...common,
  decay: z.number().min(0).lt(1).default(0.99).describe('Squared-gradient decay (torch.optim.RMSprop `alpha`, used by the DPO reference code).'),
  eps: z.number().min(0).default(1e-8).describe('ε outside the square root (torch default).'),
});

/**
 * One of the named optimizers. Parse with `OptimizerConfig.parse(...)` (or core's `parseConfig`
 * for a readable error naming the file).
 *
 * @example OptimizerConfig.parse({ name: 'adamw', learningRate: 5e-7, schedule: { kind: 'cosine', warmupSteps: 150, totalSteps: 1000 } })
 */
export const OptimizerConfig = z.discriminatedUnion('name', [AdamConfig, AdamWConfig, SgdConfig, RmspropConfig]);
export type OptimizerConfig = z.output<typeof OptimizerConfig>;
export type OptimizerConfigInput = z.input<typeof OptimizerConfig>;
export type OptimizerName = OptimizerConfig['name'];
