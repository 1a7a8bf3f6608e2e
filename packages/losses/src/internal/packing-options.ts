/**
 * Packing options shared by the stages that run a model over prompt + completion ids.
 */
import { z } from 'zod';

export const PackingOptions = {
  padTokenId: z.number().int().min(0).default(0).describe('Id written at padding positions (masked out; any valid id works).'),
  padSide: z.enum(['left', 'right']).default('right').describe('Where padding goes; right padding is the cheapest for log-probs.'),
  maxLength: z
    .number()
    .int()
    .min(2)
    .optional()
    .describe('Cap on prompt + completion tokens; completions lose their end first, then prompts their start (TRL keep_end).'),
};
