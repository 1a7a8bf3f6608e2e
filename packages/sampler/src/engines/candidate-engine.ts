/**
 * The interface behind `generateCandidates`'s `engine` option (DESIGN §6): the in-process model,
 * a worker-thread pool, or an OpenAI-compatible server all turn one prompt into n candidates.
 */
import type { z } from 'zod';
import type { StageContext } from '@prefstream/core';

/** One prompt to sample for. At least one of `prompt` / `promptIds` is set. */
export interface PromptRequest {
  readonly promptId: string;
  readonly prompt: string | undefined;
  /** (T,) token ids of the prompt, when the input batch has `prompt_ids`. */
  readonly promptIds: Int32Array | undefined;
}

/** Sampling parameters shared by every engine (RSO/SLiC defaults: temperature 0.7, top-k 40). */
export interface SamplingParams {
  readonly n: number;
  readonly maxNewTokens: number;
  readonly temperature: number;
  /** 0 disables top-k. */
  readonly topK: number;
  readonly topP: number;
  readonly stop: readonly string[];
}

/** One sampled completion. */
export interface Candidate {
  readonly completion: string;
  /** Token ids of the completion; undefined when the engine cannot know them. */
  readonly completionIds: readonly number[] | undefined;
  /** Σ_t log π(y_t | x, y_<t) under the sampling distribution. */
  readonly logp: number;
}

/** A started engine. Owned by one subscription of the stage; closed when it ends. */
export interface CandidateEngine {
  /** How many prompts the stage may have in flight at once. */
  readonly concurrency: number;
  /**
   * Exactly `params.n` candidates for the prompt, or a rejection whose message names the prompt.
   * `seed` is this prompt's own seed (from the stage's rng), so results do not depend on batching.
   */
  generate(request: PromptRequest, params: SamplingParams, seed: number, signal: AbortSignal): Promise<Candidate[]>;
  /** Counters since the last call (retries, queue depth …), reported as metrics then reset. */
  takeMetrics(): Record<string, number>;
  /** Releases threads, sockets and models. Idempotent. */
  close(): Promise<void>;
}

/** A registered engine kind: its options schema (with `kind`) and its factory. */
export interface EngineDefinition<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly options: S;
  /** Whether the engine yields completion token ids (then the stage writes `completion_ids`). */
  producesIds(options: z.output<S>): boolean;
  create(options: z.output<S>, ctx: StageContext): CandidateEngine;
}

/** Keeps the options type when declaring an engine. */
export function defineEngine<S extends z.ZodType>(definition: EngineDefinition<S>): EngineDefinition<S> {
  return definition;
}
