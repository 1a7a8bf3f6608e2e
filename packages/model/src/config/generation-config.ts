/**
 * `generation_config.json`: the defaults `generate` uses when an option is not given
 * (transformers `GenerationConfig`; only the fields used here are typed, the rest pass through).
 */
import { z } from 'zod';
import { parseConfig } from '@prefstream/core';
import { SpecialTokenFields, specialTokenIds } from './token-ids.js';

const GenerationJson = z.looseObject({
  ...SpecialTokenFields,
  do_sample: z.boolean().optional(),
  temperature: z.number().nonnegative().nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  top_p: z.number().positive().max(1).nullish(),
  max_new_tokens: z.number().int().positive().nullish(),
});

export interface GenerationConfig {
  readonly bosTokenId: number | undefined;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | undefined;
  readonly doSample: boolean | undefined;
  readonly temperature: number | undefined;
  readonly topK: number | undefined;
  readonly topP: number | undefined;
  readonly maxNewTokens: number | undefined;
  /** The json as read (written back by `save`). */
  readonly hf: Readonly<Record<string, unknown>>;
}

/**
 * Parses a generation_config.json object.
 * @throws ConfigError naming `where` and the field.
 */
export function parseGenerationConfig(json: unknown, where = 'generation_config.json'): GenerationConfig {
  const c = parseConfig(GenerationJson, json, where);
  const ids = specialTokenIds(c);
  return {
    bosTokenId: ids.bosTokenId,
    eosTokenIds: ids.eosTokenIds,
    padTokenId: ids.padTokenId,
    doSample: c.do_sample,
    temperature: c.temperature ?? undefined,
    topK: c.top_k ?? undefined,
    topP: c.top_p ?? undefined,
    maxNewTokens: c.max_new_tokens ?? undefined,
    hf: { ...(json as Record<string, unknown>) },
  };
}
