/**
 * The training methods of a bandit run, as a registry: each entry builds the EXACT expected loss
 * of its method on a one-prompt bandit (no sampling noise) and names its population optimum.
 * Pair methods use the real loss registry of '@prefstream/losses' on every ordered pair (a, b)
 * weighted μ1(a)·μ2(b); `off-policy-pg` is REINFORCE without baseline on samples from μ1.
 */
import { tf, type Scalar, type Tensor1D } from '@prefstream/core';
import { preferenceLoss, type LossType, type PreferenceInputs, type PreferenceLossOptionsInput } from '@prefstream/losses';
import { packSequences } from '@prefstream/model';
import type { Bandit } from '../bandit/bandit-oracle.js';
import { methodOptimum } from '../bandit/method-optima.js';
import { groupScaledFixedPoint } from '../bandit/grpo-fixed-point.js';
import { preferenceMatrix } from '../bandit/preference-labels.js';
import { bestArm, grpoBanditObjective } from './grpo-bandit-method.js';
import type { TabularPolicy } from './tabular-policy.js';

/** Everything a method needs to build its objective. */
export interface MethodContext {
  readonly bandit: Bandit;
  /** Distribution of the first / second response of a pair. */
  readonly mu1: readonly number[];
  readonly mu2: readonly number[];
  /** Label rule of `preferenceMatrix` (`bradley-terry` or `hard`). */
  readonly labels: string;
  /** DPO / CoPG / RSO β, IPO τ, RSO γ. */
  readonly beta: number;
  readonly tau: number;
  readonly gamma: number;
}

/** A population objective. @owns its constant tensors — call `dispose`. */
export interface BanditObjective {
  /** The expected loss as a scalar (call inside a tidy / optimizer.minimize). */
  loss(): Scalar;
  dispose(): void;
}

/** One entry of {@link BANDIT_METHODS}. */
export interface BanditMethod {
  /** What the method optimizes, for reports. */
  readonly description: string;
  build(policy: TabularPolicy, context: MethodContext): BanditObjective;
  /** The closed-form population optimum, or undefined where none is defined. */
  optimum(context: MethodContext): Float64Array | undefined;
}

const column = (values: readonly number[]) => tf.tensor1d(Array.from(values)) as Tensor1D;
const pad = { padSide: 'right', padTokenId: 0 } as const;

/** Builds the expected `type` loss over μ1⊗μ2; `extra` adds label or reward columns per pair. */
function pairObjective(
  type: LossType,
  options: (c: MethodContext) => PreferenceLossOptionsInput,
  extra: (c: MethodContext, first: number[], second: number[]) => PreferenceInputs,
): BanditMethod['build'] {
  return (policy, context) => {
    const first: number[] = [], second: number[] = [], weight: number[] = [];
    context.mu1.forEach((p, a) => context.mu2.forEach((q, b) => (first.push(a), second.push(b), weight.push(p * q))));
    const arms = [...first, ...second];
    const packed = packSequences(arms.map(() => [0]), arms.map((a) => [a]), pad);
    const ref = context.bandit.referenceProbs;
    const constants: PreferenceInputs = {
      refChosenLogps: column(first.map((a) => Math.log(ref[a]!))),
      refRejectedLogps: column(second.map((b) => Math.log(ref[b]!))),
      ...extra(context, first, second),
    };
    const weights = column(weight);
    const opts = options(context);
    const B = first.length;
    return {
      loss: () =>
        tf.tidy(() => {
          const { logps } = policy.sequenceLogps(packed);
          const inputs = { ...constants, chosenLogps: tf.slice(logps, 0, B), rejectedLogps: tf.slice(logps, B, B) };
          return tf.sum(tf.mul(preferenceLoss(type, inputs, opts).losses, weights)) as Scalar;
        }),
      dispose: () => tf.dispose([weights, ...Object.values(constants)]),
    };
  };
}

const labelColumn = (c: MethodContext, first: number[], second: number[]): PreferenceInputs => {
  const P = preferenceMatrix(c.bandit.rewards, c.labels);
  return { preference: column(first.map((a, i) => P[a]![second[i]!]!)) };
};

const rewardColumns = (c: MethodContext, first: number[], second: number[]): PreferenceInputs => ({
  chosenReward: column(first.map((a) => c.bandit.rewards[a]!)),
  rejectedReward: column(second.map((b) => c.bandit.rewards[b]!)),
});

/** −Σ_a μ1(a)·R(a)·log π(a): the expected REINFORCE loss on samples from μ1, no baseline. */
const offPolicyPg: BanditMethod['build'] = (policy, { bandit, mu1 }) => {
  const packed = packSequences(mu1.map(() => [0]), mu1.map((_, a) => [a]), pad);
  const weights = column(mu1.map((m, a) => -m * bandit.rewards[a]!));
  return {
    loss: () => tf.tidy(() => tf.sum(tf.mul(policy.sequenceLogps(packed).logps, weights)) as Scalar),
    dispose: () => weights.dispose(),
  };
};

/** Stationary point of the PG loss: π ∝ μ1·R, defined when every μ1(a)·R(a) ≥ 0 and some > 0. */
function offPolicyPgOptimum({ bandit, mu1 }: MethodContext): Float64Array | undefined {
  const w = mu1.map((m, a) => m * bandit.rewards[a]!);
  const z = w.reduce((s, x) => s + x, 0);
  return w.every((x) => x >= 0) && z > 0 ? Float64Array.from(w, (x) => x / z) : undefined;
}

const optimumOf = (method: string) => (c: MethodContext) =>
  methodOptimum(method, { bandit: c.bandit, mu1: c.mu1, mu2: c.mu2, labels: c.labels, tau: c.tau, gamma: c.gamma });

/** Methods by name: `dpo`, `ipo`, `copg`, `rso`, `off-policy-pg`, `grpo`, `grpo-no-kl`. */
export const BANDIT_METHODS: ReadonlyMap<string, BanditMethod> = new Map<string, BanditMethod>([
  ['dpo', {
    description: 'DPO (`sigmoid`) with soft labels P(a ≻ b)',
    build: pairObjective('sigmoid', (c) => ({ beta: c.beta }), labelColumn),
    optimum: (c) => (c.labels === 'bradley-terry' ? optimumOf('dpo')(c) : undefined),
  }],
  ['ipo', {
    description: 'IPO (`ipo`, τ) with soft labels P(a ≻ b)',
    build: pairObjective('ipo', (c) => ({ beta: c.tau }), labelColumn),
    optimum: optimumOf('ipo'),
  }],
  ['copg', {
    description: 'CoPG (`copg`) on the rewards of both elements',
    build: pairObjective('copg', (c) => ({ beta: c.beta }), rewardColumns),
    optimum: optimumOf('copg'),
  }],
  ['rso', {
    description: 'RSO (`rso-sigmoid-norm`, γ) with soft labels P(a ≻ b)',
    build: pairObjective('rso-sigmoid-norm', (c) => ({ beta: c.beta, gamma: c.gamma }), labelColumn),
    optimum: (c) => (c.labels === 'bradley-terry' ? optimumOf('rso')(c) : undefined),
  }],
  ['off-policy-pg', {
    description: 'REINFORCE without baseline on samples from μ1 (biased off-policy PG)',
    build: offPolicyPg,
    optimum: offPolicyPgOptimum,
  }],
  ['grpo', {
    description: 'GRPO, on-policy groups (G → ∞), group-scaled advantages, k3 KL (β): stops at its forward-KL fixed point, not π*',
    build: grpoBanditObjective(true),
    optimum: (c) => groupScaledFixedPoint(c.bandit.rewards, c.bandit.referenceProbs, c.beta),
  }],
  ['grpo-no-kl', {
    description: 'GRPO without the KL term: concentrates on the best arm',
    build: grpoBanditObjective(false),
    optimum: (c) => bestArm(c.bandit.rewards),
  }],
]);
