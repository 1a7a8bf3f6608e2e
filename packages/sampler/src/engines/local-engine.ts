/**
 * The `local` engine: the in-process model (any `TextGenerator`, e.g. model's `CausalLM`) and its
 * tokenizer, both looked up by name in `ctx.resources`. One prompt at a time: the tfjs backend is
 * a single thread, so concurrency would only interleave, not speed up.
 */
import { z } from 'zod';
import { ConfigError, DataError } from '@prefstream/core';
import type { GenerateOptions, TextGenerator, Tokenizer } from '@prefstream/model';
import { defineEngine } from './candidate-engine.js';
import { toCandidates } from '../internal/to-candidates.js';

/** Options of the `local` engine. */
export const LocalEngineOptions = z.strictObject({
  kind: z.literal('local'),
  /** Resource name of the TextGenerator (the sampling policy; RSO samples from the SFT policy). */
  model: z.string().min(1).default('policy'),
  /** Resource name of the Tokenizer, used for prompts without `prompt_ids`. */
  tokenizer: z.string().min(1).default('tokenizer'),
});

function resource<T>(resources: ReadonlyMap<string, unknown>, name: string, what: string, check: (v: unknown) => boolean): T | undefined {
  const value = resources.get(name);
  if (value === undefined) return undefined;
  if (!check(value)) throw new ConfigError('stage generateCandidates', `resource "${name}" is not a ${what}`);
  return value as T;
}

/** Engine `local`. @example generateCandidates options `{ engine: { kind: 'local', model: 'policy' } }` */
export const localEngine = defineEngine({
  kind: 'local',
  options: LocalEngineOptions,
  producesIds: () => true,
  create(options, ctx) {
    const generator = resource<TextGenerator>(ctx.resources, options.model, 'TextGenerator', (v) => typeof (v as TextGenerator).generate === 'function');
    if (!generator) {
      throw new ConfigError('stage generateCandidates', `engine local: no resource "${options.model}" (present: ${[...ctx.resources.keys()].join(', ') || 'none'})`);
    }
    const tokenizer = resource<Tokenizer>(ctx.resources, options.tokenizer, 'Tokenizer', (v) => typeof (v as Tokenizer).encode === 'function');
    return {
      concurrency: 1,
      async generate(request, params, seed) {
        let ids: readonly number[];
        if (request.promptIds) ids = Array.from(request.promptIds);
        else if (tokenizer && request.prompt !== undefined) ids = tokenizer.encode(request.prompt);
        else throw new DataError({ field: 'prompt_ids', message: `prompt "${request.promptId}" has no prompt_ids and no tokenizer resource "${options.tokenizer}" is given` });
        // `tokenizer` is read by CausalLM.generate (completion text, stop strings); other generators ignore it.
        const generateOptions: GenerateOptions & { tokenizer?: Tokenizer } = {
          maxNewTokens: params.maxNewTokens,
          temperature: params.temperature,
          topK: params.topK,
          topP: params.topP,
          n: params.n,
          ...(params.stop.length > 0 ? { stop: params.stop } : {}),
          seed,
          ...(tokenizer ? { tokenizer } : {}),
        };
        const generations = await generator.generate([ids], generateOptions);
        return toCandidates(generations, params.n, request.promptId);
      },
      takeMetrics: () => ({}),
      close: async () => {},
    };
  },
});
