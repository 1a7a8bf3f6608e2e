/**
 * Every reward kind, by name, and the discriminated union of their options. Adding a kind is a new
 * file, a line here and a README row (STYLE habit 6).
 */
import { z } from 'zod';
import type { RewardKindDefinition } from './reward-kind.js';
import { functionReward, FunctionRewardOptions } from './kinds/function-reward.js';
import { bradleyTerryReward, BradleyTerryRewardOptions } from './kinds/bradley-terry-reward.js';
import { pairwiseReward, PairwiseRewardOptions } from './kinds/pairwise-reward.js';
import { remoteJudgeReward, RemoteJudgeRewardOptions } from './kinds/remote-judge-reward.js';

/** Options of any reward kind, told apart by `kind`. */
export const RewardOptions = z.discriminatedUnion('kind', [FunctionRewardOptions, BradleyTerryRewardOptions, PairwiseRewardOptions, RemoteJudgeRewardOptions]);
export type RewardOptions = z.output<typeof RewardOptions>;

// Each definition is typed by its own schema; the map erases that (the union above re-checks it).
const all = [functionReward, bradleyTerryReward, pairwiseReward, remoteJudgeReward] as unknown as RewardKindDefinition[];

/** Registered reward kinds by `kind`. */
export const REWARD_KINDS: ReadonlyMap<string, RewardKindDefinition> = new Map(all.map((k) => [k.kind, k]));
