/**
 * The registry of pairing strategies by name. Adding one is a new file and a line here (and a
 * README row); `buildPairs`'s `strategy` option is validated against these keys.
 */
import { allPairs } from './all-pairs.js';
import { bestVsWorstPairs } from './best-vs-worst.js';
import { firstRoundPairs } from './first-round.js';
import type { PairingStrategy } from './pairing-strategy.js';
import { tournamentPairs } from './tournament.js';

/** Pairing strategies by the name used in `buildPairs({ strategy })`. */
export const PAIRING_STRATEGIES = {
  'first-round': firstRoundPairs,
  tournament: tournamentPairs,
  'best-vs-worst': bestVsWorstPairs,
  'all-pairs': allPairs,
} as const satisfies Record<string, PairingStrategy>;

/** A registered strategy name. */
export type PairingStrategyName = keyof typeof PAIRING_STRATEGIES;

/** The registered names, for option schemas and error messages. */
export const PAIRING_STRATEGY_NAMES = Object.keys(PAIRING_STRATEGIES) as [PairingStrategyName, ...PairingStrategyName[]];
