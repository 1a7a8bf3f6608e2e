/**
 * Messages between the `workers` engine and its generation threads. Plain structured-clone data.
 *
 * parent → worker: `generate` (one prompt). worker → parent: `ready` once the checkpoint is
 * loaded, then one `result` or `failed` per `generate`; `fatal` if loading fails.
 */
import type { GenerateOptions } from '@prefstream/model';

/** `workerData` of a generation thread. */
export interface WorkerInit {
  /** Checkpoint directory handed to the loader. */
  readonly checkpoint: string;
  /** Module URL exporting `loadGenerator(dir, options)` (see checkpoint-loader.ts). */
  readonly loader: string;
  /** Backend preference passed to the loader (`initBackend`). */
  readonly backend: string | undefined;
}

export interface GenerateRequest {
  readonly type: 'generate';
  readonly id: number;
  readonly promptId: string;
  readonly prompt: string | undefined;
  readonly promptIds: number[] | undefined;
  readonly options: GenerateOptions;
}

export interface WorkerCandidate {
  completion: string;
  completionIds: number[];
  tokenLogps: number[];
  sampleIndex: number;
  promptIndex: number;
  finishReason: 'eos' | 'stop' | 'length';
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly backend: string | undefined }
  | { readonly type: 'result'; readonly id: number; readonly generations: WorkerCandidate[] }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'fatal'; readonly message: string };

/** What a loader module's `loadGenerator` returns. */
export interface LoadedGenerator {
  readonly generator: { generate(prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<WorkerCandidate[]> };
  readonly tokenizer: { encode(text: string): number[] } | undefined;
  /** The tensor backend the thread runs on, for the log. */
  readonly backend?: string;
}
