/** What every endpoint handler reads: the model, its tokenizer, limits and the generation queue. */
import type { TextGenerator, Tokenizer } from '@prefstream/model';
import type { GenerationQueue } from './generation-queue.js';
import type { ServeLimits } from './generation-request.js';

export interface ServeState {
  readonly generator: TextGenerator;
  readonly tokenizer: Tokenizer;
  /** The id clients pass as `model` and `/v1/models` lists. */
  readonly modelName: string;
  readonly limits: ServeLimits;
  readonly queue: GenerationQueue;
  /** Unix seconds the server started (`created` of the model object). */
  readonly started: number;
}

/** Unix seconds now, as OpenAI's `created`. */
export const unixNow = (): number => Math.floor(Date.now() / 1000);
