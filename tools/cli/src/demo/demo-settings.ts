/**
 * The sizes of one demo run: the full demo (the quick start's `npm run demo`, minutes on two CPU
 * cores) and `--quick` (seconds; for tests). One table, no per-method settings.
 */
import type { DemoBudget, DemoContext } from './methods/demo-method.js';

/** Everything sized by `--quick`. */
export interface DemoSizes {
  readonly budget: DemoBudget;
  /** Training prompts sampled for preference pairs (two SFT samples each; tied pairs are skipped). */
  readonly pairPrompts: number;
  /** Held-out prompts sampled the same way, for the reward model's pair accuracy. */
  readonly heldoutPairPrompts: number;
  /** Held-out prompts every policy is evaluated on. */
  readonly evalPrompts: number;
  /** Reward-model training: updates and pairs per update. */
  readonly rewardModel: { readonly updates: number; readonly pairsPerUpdate: number };
  /** τ of the noisy gold judge that labels the pairs (gold-reward units). */
  readonly labelTemperature: number;
}

const MAX_NEW_TOKENS = 5;

/** `npm run demo`. */
export const FULL_SIZES: DemoSizes = {
  budget: { updates: 200, sequencesPerUpdate: 16, pairsPerUpdate: 8, promptsPerUpdate: 2, candidatesPerPrompt: 64, maxNewTokens: MAX_NEW_TOKENS },
  pairPrompts: 3000,
  heldoutPairPrompts: 600,
  evalPrompts: 400,
  rewardModel: { updates: 300, pairsPerUpdate: 16 },
  labelTemperature: 0.2,
};

/** `prefstream demo --quick`: every step runs, on a few rows. */
export const QUICK_SIZES: DemoSizes = {
  budget: { updates: 2, sequencesPerUpdate: 8, pairsPerUpdate: 4, promptsPerUpdate: 1, candidatesPerPrompt: 8, maxNewTokens: MAX_NEW_TOKENS },
  pairPrompts: 48,
  heldoutPairPrompts: 16,
  evalPrompts: 24,
  rewardModel: { updates: 2, pairsPerUpdate: 8 },
  labelTemperature: 0.2,
};

/** The one optimizer of every method: AdamW, constant rate 1e-4 after 5 warmup updates, clipped at 1; not tuned per method. */
export const DEMO_OPTIMIZER: DemoContext['optimizer'] = {
  name: 'adamw',
  learningRate: 1e-4,
  weightDecay: 0,
  maxGradNorm: 1,
  schedule: { kind: 'constant', warmupSteps: 5 },
};

/** The reward model's optimizer (it is not one of the compared methods). */
export const REWARD_MODEL_OPTIMIZER: DemoContext['optimizer'] = { name: 'adamw', learningRate: 3e-4, weightDecay: 0, maxGradNorm: 1 };
