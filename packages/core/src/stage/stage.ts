/**
 * The stage contract (DESIGN §4). A stage is a factory `(options, ctx) => operator`; its options
 * are parsed once by a zod schema; it declares the columns it `requires` and `produces` so the
 * pipeline builder can check a whole chain before any data moves.
 */
import type { RecordBatch } from 'apache-arrow';
import type { OperatorFunction } from 'rxjs';
import type { z } from 'zod';
import type { NamedTensorMap } from '@tensorflow/tfjs';
import type { Rng } from '../rng/rng.js';

/** What flows between most stages: an immutable Arrow record batch. */
export type Batch = RecordBatch;

/**
 * The one exception to "no tensors between stages": a loss stage hands the gradients of one
 * (micro-)batch to the update stage. @owns `gradients` — the receiver disposes them.
 */
export interface GradientBatch {
  readonly kind: 'gradients';
  /** The rows the loss was computed on (columns only, no tensors). */
  readonly batch: Batch;
  /** Gradient per trainable variable name. Owned by whoever receives this object. */
  readonly gradients: NamedTensorMap;
  /** Mean loss over the rows of this batch. */
  readonly loss: number;
  /** Number of rows (for gradient accumulation weighting). */
  readonly rows: number;
  /** Tokens processed (for tokens/s). */
  readonly tokens: number;
  /** The loss's own metrics under TRL's names (`rewards/chosen`, …). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** The two kinds of items a stage can take or emit. */
export type FlowKind = 'batch' | 'gradients';
export type FlowItem = Batch | GradientBatch;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Scalars per step, written under TRL's names by the sink the run provides. */
export interface MetricsSink {
  record(values: Readonly<Record<string, number>>, meta?: { stage?: string; step?: number }): void;
}

/**
 * Everything a stage depends on is passed here; stages hold no module-level state.
 * `resources` holds named shared objects (models, tokenizers, reward functions) that stage options
 * refer to by name, e.g. `{ policy: 'policy', reference: 'reference' }`.
 */
export interface StageContext {
  readonly rng: Rng;
  readonly log: Logger;
  readonly metrics: MetricsSink;
  readonly resources: ReadonlyMap<string, unknown>;
  /** Directory for caches and artifacts of the run (e.g. reference log-prob cache). */
  readonly workDir?: string;
  readonly signal?: AbortSignal;
}

/** A registered stage kind. `kind` equals the export name (`rejectionSample`, …). */
export interface StageDefinition<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  /** Options schema: the type, the defaults and the docs. Use `z.strictObject`. */
  readonly options: S;
  readonly input: FlowKind;
  readonly output: FlowKind;
  /** Columns this stage reads from its input batches, given its parsed options. */
  requires(options: z.output<S>): readonly string[];
  /** Columns this stage adds (or replaces) in its output batches. */
  produces(options: z.output<S>): readonly string[];
  /** Columns this stage removes (e.g. a pair builder turns `completion` rows into `chosen`/`rejected`). */
  consumes?(options: z.output<S>): readonly string[];
  create(options: z.output<S>, ctx: StageContext): OperatorFunction<FlowItem, FlowItem>;
}

/** Helper that keeps the options type when declaring a stage. */
export function defineStage<S extends z.ZodType>(definition: StageDefinition<S>): StageDefinition<S> {
  return definition;
}

/** A stage spec as written in TS, YAML or JSON: `{ kind, ...options }`. */
export interface StageSpec {
  kind: string;
  [option: string]: unknown;
}
