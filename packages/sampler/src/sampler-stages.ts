/**
 * The stages this package registers, for the pipeline builder's registry (kind = export name).
 */
import type { StageDefinition } from '@prefstream/core';
import { bestOfN } from './best-of-n.js';
import { buildPairs } from './build-pairs.js';
import { generateCandidates } from './generate-candidates.js';
import { rejectionSample } from './rejection-sample.js';

/**
 * `generateCandidates`, `rejectionSample`, `bestOfN` and `buildPairs` (all batch → batch).
 * @example
 * const registry = new StageRegistry();
 * for (const stage of SAMPLER_STAGES) registry.register(stage);
 */
export const SAMPLER_STAGES: readonly StageDefinition[] = [generateCandidates, rejectionSample, bestOfN, buildPairs] as readonly StageDefinition[];
