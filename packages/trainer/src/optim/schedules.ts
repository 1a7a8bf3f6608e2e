/**
 * Learning-rate schedules: a registry from `kind` to a function of the step, each with a linear
 * warmup from 0 (Hugging Face `get_*_schedule_with_warmup`, optax `warmup_*_schedule`).
 *
 * `step` is the number of optimizer updates already applied (0 for the first update), as
 * Hugging Face's `LambdaLR` counts: with `warmupSteps = w > 0` the first update has rate 0 and the
 * peak is reached at step w.
 */
import { z } from 'zod';

/** step (0-based count of applied updates) → learning rate. */
export type Schedule = (step: number) => number;

const warmupSteps = z
  .int()
  .min(0)
  .default(0)
  .describe('Steps of linear warmup from 0 to the peak rate (HF `warmup_steps`; 0 = none).');

const totalSteps = z
  .int()
  .positive()
  .describe('Step at which the decay ends; the rate stays at its final value afterwards.');

const ConstantSchedule = z.strictObject({ kind: z.literal('constant'), warmupSteps });
const LinearSchedule = z.strictObject({
  kind: z.literal('linear'),
  warmupSteps,
  totalSteps,
  finalLearningRate: z.number().min(0).default(0).describe('Rate reached at `totalSteps` (HF linear decays to 0).'),
});
const CosineSchedule = z.strictObject({
  kind: z.literal('cosine'),
  warmupSteps,
  totalSteps,
  minLearningRate: z.number().min(0).default(0).describe('Floor of the half-cosine (optax `end_value`; HF decays to 0).'),
});

/** One of the schedule kinds; the peak rate comes from the optimizer's `learningRate`. */
export const ScheduleConfig = z
  .discriminatedUnion('kind', [ConstantSchedule, LinearSchedule, CosineSchedule])
  .refine((s) => s.kind === 'constant' || s.warmupSteps < s.totalSteps, {
    message: 'warmupSteps must be smaller than totalSteps',
    path: ['warmupSteps'],
  });
export type ScheduleConfig = z.output<typeof ScheduleConfig>;
/** `constant` | `linear` | `cosine`. */
export type ScheduleKind = ScheduleConfig['kind'];

type Of<K extends ScheduleKind> = Extract<ScheduleConfig, { kind: K }>;

/** Fraction of the decay phase done at `step`, in [0, 1]. */
function progress(step: number, warmup: number, total: number): number {
  return Math.min(1, Math.max(0, (step - warmup) / (total - warmup)));
}

/** The rate after warmup, per kind. Adding a kind is a schema above and a line here. */
const DECAYS: { [K in ScheduleKind]: (config: Of<K>, peak: number, step: number) => number } = {
  constant: (_config, peak) => peak,
  // HF get_linear_schedule_with_warmup: peak·(total − step)/(total − warmup), here towards a final value.
  linear: (c, peak, step) => peak + (c.finalLearningRate - peak) * progress(step, c.warmupSteps, c.totalSteps),
  // HF get_cosine_schedule_with_warmup (0.5 cycles) / optax cosine_decay_schedule with alpha = floor/peak.
  cosine: (c, peak, step) =>
    c.minLearningRate + (peak - c.minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress(step, c.warmupSteps, c.totalSteps))),
};

/**
 * The schedule for `config` peaking at `peak`.
 *
 * @example
 * const lr = makeSchedule({ kind: 'linear', warmupSteps: 2, totalSteps: 10, finalLearningRate: 0 }, 1e-3);
 * lr(1); // 5e-4 (warmup), lr(2) // 1e-3 (peak), lr(6) // 5e-4
 */
export function makeSchedule(config: z.input<typeof ScheduleConfig>, peak: number): Schedule {
  const parsed = ScheduleConfig.parse(config);
  if (!(peak >= 0) || !Number.isFinite(peak)) throw new Error(`makeSchedule: peak learning rate must be finite and ≥ 0, got ${peak}`);
  const decay = DECAYS[parsed.kind] as (config: ScheduleConfig, peak: number, step: number) => number;
  const warmup = parsed.warmupSteps;
  return (step: number) => {
    if (!Number.isInteger(step) || step < 0) throw new Error(`schedule: step must be an integer ≥ 0, got ${step}`);
    if (step < warmup) return (peak * step) / warmup;
    return decay(parsed, peak, step);
  };
}
