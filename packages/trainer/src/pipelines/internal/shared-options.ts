/** Option fields several pipelines share, with their defaults and why. */
import { z } from 'zod';
import { GenerateCandidatesOptions } from '@prefstream/sampler';

/** Data already holds `*_ids` columns: skip the `tokenize` stage. */
export const tokenized = z.boolean().default(false).describe('Rows already carry token ids (`prompt_ids`, …): no tokenize stage.');

/** Cap on prompt + completion tokens of the loss stages. */
export const maxLength = z.int().min(2).optional().describe('Cap on prompt + completion tokens (TRL `max_length`).');

/** The reward the sampling pipelines score with (any registered reward kind). */
export const reward = z
  .record(z.string(), z.unknown())
  .default({ kind: 'function', fn: 'completionLength' })
  .describe('Reward options for `scoreWithReward` (`{ kind, … }`); default the built-in `completionLength` function resource.');

/** Generation options of `generateCandidates` (n, maxNewTokens, temperature, …). */
export const generation = GenerateCandidatesOptions.partial().default({}).describe('Options of the generateCandidates stage.');
