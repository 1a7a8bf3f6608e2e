/** Padding options shared by the trainer's loss stages (same meaning as in @prefstream/losses). */
import { z } from 'zod';

export const PackingOptions = {
  padTokenId: z.int().min(0).default(0).describe('Id written at padding positions (masked out; any valid id works).'),
  padSide: z.enum(['left', 'right']).default('right').describe('Where padding goes; right padding is the cheapest for log-probs.'),
  maxLength: z.int().min(2).optional().describe('Cap on prompt + completion tokens (completions lose their end first).'),
};
