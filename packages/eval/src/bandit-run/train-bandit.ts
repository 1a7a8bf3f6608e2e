/**
 * Trains a {@link TabularPolicy} on a one-prompt bandit with one of {@link BANDIT_METHODS}, by
 * full-batch Adam on the method's exact expected loss, and scores it with the oracle: the regret
 * curve J(π*) − J(π_t), the method's own optimum and the distances to it and to π*.
 */
import { z } from 'zod';
import { tf } from '@prefstream/core';
import { defineBandit, optimalPolicy, regret, type Bandit } from '../bandit/bandit-oracle.js';
import { assertDistribution, klDivergence, totalVariation } from '../bandit/distributions.js';
import { BANDIT_METHODS, type MethodContext } from './bandit-methods.js';
import { TabularPolicy } from './tabular-policy.js';

const probabilities = z.array(z.number().nonnegative()).min(1);

/**
 * Options of {@link trainBandit}.
 * @example TrainBanditOptions.parse({ method: 'copg', bandit, mu1, mu2, steps: 300, learningRate: 0.1 })
 */
export const TrainBanditOptions = z.strictObject({
  method: z.string().describe(`Method name, a key of BANDIT_METHODS (${[...BANDIT_METHODS.keys()].join(', ')}).`),
  bandit: z.strictObject({ rewards: z.array(z.number()), referenceProbs: probabilities, beta: z.number().positive() }),
  mu1: probabilities.describe('Distribution of the first element of a pair (and of off-policy PG samples).'),
  mu2: probabilities.optional().describe('Distribution of the second element; μ1 by default.'),
  steps: z.number().int().positive().default(300),
  learningRate: z.number().positive().default(0.1).describe('Adam learning rate (tf.train.adam).'),
  seed: z.number().int().default(0).describe('Seed of the random initial logits (`init: random`).'),
  init: z.enum(['reference', 'random']).default('reference').describe('Start at π_ref, or at log π_ref + N(0, 1) noise.'),
  labels: z.string().default('bradley-terry').describe('Label rule of preferenceMatrix: `bradley-terry` (soft) or `hard`.'),
  beta: z.number().positive().optional().describe('β of DPO / CoPG / RSO; the bandit\'s β by default.'),
  tau: z.number().positive().optional().describe('IPO τ; the bandit\'s β by default.'),
  gamma: z.number().positive().optional().describe('RSO γ; the bandit\'s β by default (then RSO\'s optimum is π*).'),
  recordEvery: z.number().int().positive().default(10).describe('Steps between points of the regret curve.'),
});

/** Options as a caller writes them. */
export type TrainBanditOptionsInput = z.input<typeof TrainBanditOptions>;

/** One point of the regret curve. */
export interface RegretPoint {
  step: number;
  regret: number;
}

/** Outcome of {@link trainBandit}. */
export interface BanditRun {
  /** The trained policy. @owns — call `policy.dispose()`. */
  policy: TabularPolicy;
  /** Final π as numbers. */
  probabilities: Float64Array;
  /** Regret at step 0, every `recordEvery` steps, and at the last step. */
  regretCurve: RegretPoint[];
  /** The method's population optimum, where one is defined in closed form. */
  optimum: Float64Array | undefined;
  /** TV(π, optimum); undefined without an optimum. */
  tvToOptimum: number | undefined;
  /** KL(π‖π*). */
  klToPiStar: number;
  /** Final regret J(π*) − J(π). */
  regret: number;
}

/** Trains a fresh tabular policy with `method` and scores it against the oracle. */
export function trainBandit(input: TrainBanditOptionsInput): BanditRun {
  const o = TrainBanditOptions.parse(input);
  const method = BANDIT_METHODS.get(o.method);
  if (!method) throw new Error(`trainBandit: unknown method "${o.method}"; known: ${[...BANDIT_METHODS.keys()].join(', ')}`);
  const bandit: Bandit = defineBandit(o.bandit);
  const mu2 = o.mu2 ?? o.mu1;
  for (const [name, mu] of [['mu1', o.mu1], ['mu2', mu2]] as const) {
    assertDistribution(mu, name);
    if (mu.length !== bandit.rewards.length) throw new Error(`trainBandit: ${name} has ${mu.length} entries for ${bandit.rewards.length} arms`);
  }
  const context: MethodContext = {
    bandit, mu1: o.mu1, mu2, labels: o.labels,
    beta: o.beta ?? bandit.beta, tau: o.tau ?? bandit.beta, gamma: o.gamma ?? bandit.beta,
  };
  const policy = new TabularPolicy({ arms: bandit.rewards.length, logits: initialLogits(bandit, o.init, o.seed) });
  const objective = method.build(policy, context);
  const optimizer = tf.train.adam(o.learningRate);
  const regretCurve: RegretPoint[] = [{ step: 0, regret: regret(bandit, policy.probabilities()) }];
  try {
    for (let step = 1; step <= o.steps; step++) {
      optimizer.minimize(() => objective.loss(), false, [policy.logits]);
      if (step % o.recordEvery === 0 || step === o.steps) regretCurve.push({ step, regret: regret(bandit, policy.probabilities()) });
    }
  } catch (error) {
    policy.dispose();
    throw error;
  } finally {
    optimizer.dispose();
    objective.dispose();
  }
  const pi = policy.probabilities();
  const optimum = method.optimum(context);
  return {
    policy,
    probabilities: pi,
    regretCurve,
    optimum,
    tvToOptimum: optimum && totalVariation(pi, optimum),
    klToPiStar: klDivergence(pi, optimalPolicy(bandit)),
    regret: regret(bandit, pi),
  };
}

function initialLogits(bandit: Bandit, init: 'reference' | 'random', seed: number): number[] {
  const base = bandit.referenceProbs.map(Math.log);
  if (init === 'reference') return base;
  const noise = tf.tidy(() => Array.from(tf.randomNormal([base.length], 0, 1, 'float32', seed).dataSync()));
  return base.map((l, i) => l + noise[i]!);
}
