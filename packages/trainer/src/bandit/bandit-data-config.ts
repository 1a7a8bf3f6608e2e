/**
 * `data: { kind: bandit, … }`: a one-prompt bandit whose rows are generated in memory (no file)
 * and streamed through the same source path as a file's. The schema is the documentation; the
 * checks that need several fields (lengths, distributions, full support) name the field.
 */
import { z } from 'zod';
import { ConfigError } from '@prefstream/core';
import { assertDistribution } from '@prefstream/eval';

const numbers = z.array(z.number()).min(1);

/** The bandit data kind. */
export const BanditDataConfig = z.strictObject({
  kind: z.literal('bandit'),
  rewards: numbers.describe('r(y) of each arm y = 0 … K−1 (completion text `a<y>`).'),
  referenceProbs: numbers.describe('π_ref, full support; the reference policy and the default initial policy.'),
  mu1: numbers.describe('Distribution of the first element of a pair (C-RLFT: the expert class).'),
  mu2: numbers.optional().describe('Distribution of the second element (C-RLFT: the sub-optimal class); default mu1.'),
  pairs: z.int().positive().describe('N pairs (pair pipelines: N rows; C-RLFT / SFT: 2N rows, one per element; RSO: N prompt rows).'),
  labels: z.enum(['bradley-terry', 'hard']).default('bradley-terry').describe('`bradley-terry`: the first wins with P = σ(r_a − r_b); `hard`: the higher reward wins (ties a coin flip).'),
  seed: z.int().min(0).default(0).describe('Seed of the draws (the same seed gives the same rows).'),
  beta: z.number().positive().optional().describe('β of the oracle (π*, J, regret); default the β (or RSO γ) of the pipeline\'s preference loss.'),
  classWeights: z
    .strictObject({
      expert: z.number().min(0).default(1).describe('C-RLFT weight of rows from mu1 (OpenChat: 1.0).'),
      suboptimal: z.number().min(0).default(0.1).describe('C-RLFT weight of rows from mu2 (OpenChat: 0.1).'),
    })
    .prefault({})
    .describe('The `weight` column of the `expert` / `suboptimal` condition classes.'),
});
/** Parsed bandit data config. */
export type BanditDataConfig = z.output<typeof BanditDataConfig>;

/** The condition classes of C-RLFT rows, in context-token order. */
export const BANDIT_CLASSES = ['expert', 'suboptimal'] as const;

/**
 * Lengths equal to `rewards`, probability vectors, a full-support reference; a ConfigError naming
 * `<where>.<field>` otherwise.
 */
export function checkBanditData(data: BanditDataConfig, where: string): void {
  const k = data.rewards.length;
  const fields = { referenceProbs: data.referenceProbs, mu1: data.mu1, ...(data.mu2 ? { mu2: data.mu2 } : {}) };
  for (const [field, values] of Object.entries(fields)) {
    const at = `${where}.${field}`;
    if (values.length !== k) throw new ConfigError(at, `has ${values.length} entries but rewards has ${k} (one per arm)`);
    try {
      assertDistribution(values, field);
    } catch (cause) {
      throw new ConfigError(at, `is not a probability distribution: ${(cause as Error).message}`, cause);
    }
  }
  data.referenceProbs.forEach((p, i) => {
    if (!(p > 0)) throw new ConfigError(`${where}.referenceProbs`, `entry ${i} is ${p}; the reference must give every arm a positive probability`);
  });
  data.rewards.forEach((r, i) => {
    if (!Number.isFinite(r)) throw new ConfigError(`${where}.rewards`, `entry ${i} is ${r}, not a finite number`);
  });
}
