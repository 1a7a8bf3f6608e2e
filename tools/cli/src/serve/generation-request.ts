/**
 * From a parsed request to the model's {@link GenerateOptions}: defaults as OpenAI documents them,
 * a random seed when none is given (OpenAI's behaviour), and the context-length check that turns
 * "prompt too long" into a 400 instead of a failure inside the model.
 */
import { randomInt } from 'node:crypto';
import type { GenerateOptions, Tokenizer } from '@prefstream/model';
import { ApiError } from './api-error.js';

export interface ServeLimits {
  /** Largest max_tokens a request may ask for. */
  readonly maxTokens: number;
  /** Prompt + completion tokens the model can attend to (GPT-2: n_positions); undefined = unchecked. */
  readonly contextLength?: number | undefined;
}

interface SamplingFields {
  n?: number | null | undefined;
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  top_k?: number | null | undefined;
  seed?: number | null | undefined;
  stop?: string | string[] | null | undefined;
}

/** GenerateOptions for `prompts` (token ids), with max_tokens already resolved. */
export function generateOptions(body: SamplingFields, maxTokens: number, prompts: readonly (readonly number[])[], tokenizer: Tokenizer, limits: ServeLimits): GenerateOptions & { tokenizer: Tokenizer } {
  if (maxTokens > limits.maxTokens) throw ApiError.badRequest(`max_tokens ${maxTokens} exceeds this server's limit of ${limits.maxTokens}`, 'max_tokens');
  prompts.forEach((p, i) => {
    if (p.length === 0) throw ApiError.badRequest(`prompt ${i} encodes to no tokens`, 'prompt');
    for (const id of p) {
      if (id >= tokenizer.vocabSize) throw ApiError.badRequest(`prompt ${i}: token id ${id} is outside the vocabulary [0, ${tokenizer.vocabSize})`, 'prompt');
    }
    if (limits.contextLength !== undefined && p.length + maxTokens > limits.contextLength) {
      throw ApiError.badRequest(
        `This model's maximum context length is ${limits.contextLength} tokens; prompt ${i} has ${p.length} tokens and max_tokens is ${maxTokens}`,
        'max_tokens',
        'context_length_exceeded',
      );
    }
  });
  const stop = body.stop == null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return {
    maxNewTokens: maxTokens,
    n: body.n ?? 1,
    temperature: body.temperature ?? 1,
    topP: body.top_p ?? 1,
    topK: body.top_k == null || body.top_k < 0 ? 0 : body.top_k,
    seed: body.seed ?? randomInt(0, 2 ** 31 - 1),
    ...(stop?.length ? { stop } : {}),
    tokenizer,
  };
}

/** OpenAI's finish_reason: EOS and stop strings are both "stop". */
export function finishReason(reason: 'eos' | 'stop' | 'length'): 'stop' | 'length' {
  return reason === 'length' ? 'length' : 'stop';
}
