/**
 * The registry of candidate engines by `kind`. Adding one is a new file, a line here and a README
 * row; `generateCandidates`'s `engine` option is the discriminated union of their schemas.
 */
import { z } from 'zod';
import type { EngineDefinition } from './candidate-engine.js';
import { localEngine, LocalEngineOptions } from './local-engine.js';
import { workersEngine, WorkersEngineOptions } from './workers-engine.js';
import { openaiEngine, OpenAIEngineOptions } from './openai-engine.js';

/** Engines by kind. */
export const CANDIDATE_ENGINES: Readonly<Record<string, EngineDefinition>> = {
  local: localEngine as unknown as EngineDefinition,
  workers: workersEngine as unknown as EngineDefinition,
  openai: openaiEngine as unknown as EngineDefinition,
};

/** The `engine` option: one of the registered engines' options, chosen by `kind`. */
export const EngineOption = z.discriminatedUnion('kind', [LocalEngineOptions, WorkersEngineOptions, OpenAIEngineOptions]);
export type EngineOption = z.infer<typeof EngineOption>;
