/**
 * `trainer_state.json`: what a run needs besides weights and optimizer state to continue exactly
 * where it stopped (DESIGN §7). Like Hugging Face's file of the same name it keeps the step, the
 * epoch and the log history; unlike it, it also keeps every RNG's position and the input stream's
 * position, so an interrupted run continues to the same result.
 */
import { z } from 'zod';

const uint32 = z.int().min(0).max(0xffffffff);

/** A serialized {@link Rng} (`rng.state()`, restored with `Rng.restore`). */
export const RngStateSchema = z.strictObject({ seed: uint32, s: z.tuple([uint32, uint32, uint32, uint32]) });

/** The contents of `trainer_state.json` (the writer adds the optimizer config beside them). */
export const TrainerState = z.strictObject({
  step: z.int().min(0).describe('Optimizer updates applied (the checkpoint directory is named after it).'),
  epoch: z.number().min(0).default(0).describe('Epoch, fractional within an epoch, as logged.'),
  rng: z.record(z.string(), RngStateSchema).default({}).describe('Position of every named RNG (`rng.state()`), e.g. { run: …, "sampler": … }.'),
  streamPosition: z.json().default(null).describe('Where the input stream resumes (what the source reported, e.g. { file, row }).'),
  metrics: z
    .array(z.record(z.string(), z.number().nullable()))
    .default([])
    .describe('Metric rows so far (HF `log_history`); non-finite values are written as null by JSON.'),
});
export type TrainerState = z.output<typeof TrainerState>;
export type TrainerStateInput = z.input<typeof TrainerState>;

/** File names inside a checkpoint directory. */
export const CHECKPOINT_FILES = {
  trainerState: 'trainer_state.json',
  optimizer: 'optimizer.safetensors',
  /** Weights of a model that cannot write a Hugging Face directory itself (no `save`), by variable name. */
  variables: 'variables.safetensors',
} as const;
