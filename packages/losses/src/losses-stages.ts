/**
 * The stages this package registers, for the pipeline builder's registry (kind = export name).
 */
import type { StageDefinition } from '@prefstream/core';
import { preferenceLoss } from './preference-loss.js';
import { groupAdvantages } from './grpo/group-advantages-stage.js';
import { grpoLoss } from './grpo/grpo-loss-stage.js';
import { referenceLogps } from './reference-logps.js';
import { tokenLogps } from './token-logps.js';

/** `referenceLogps`, `tokenLogps`, `groupAdvantages` (batch → batch), `preferenceLoss` and `grpoLoss` (batch → gradients). */
export const LOSSES_STAGES: readonly StageDefinition[] = [referenceLogps, preferenceLoss, tokenLogps, groupAdvantages, grpoLoss] as readonly StageDefinition[];
