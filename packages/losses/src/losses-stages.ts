/**
 * The stages this package registers, for the pipeline builder's registry (kind = export name).
 */
import type { StageDefinition } from '@prefstream/core';
import { preferenceLoss } from './preference-loss.js';
import { referenceLogps } from './reference-logps.js';

/** `referenceLogps` (batch → batch) and `preferenceLoss` (batch → gradients). */
export const LOSSES_STAGES: readonly StageDefinition[] = [referenceLogps, preferenceLoss] as readonly StageDefinition[];
