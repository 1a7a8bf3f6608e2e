/**
 * Population optima of each method on a finite bandit (spec §11), for end-to-end checks.
 * A registry keyed by method name; each entry documents where its closed form comes from.
 */
import { defineBandit, optimalPolicy, type Bandit } from './bandit-oracle.js';
import { assertDistribution, tilt } from './distributions.js';
import { ipoOptimum } from './ipo-optimum.js';
import { preferenceMatrix } from './preference-labels.js';

export interface OptimumInputs {
  readonly bandit: Bandit;
  /** Data distributions of the first and second response of a pair (μ1, μ2). */
  readonly mu1?: readonly number[];
  readonly mu2?: readonly number[];
  /** RSO's loss temperature γ (sigmoid-norm), decoupled from β. */
  readonly gamma?: number;
  /** IPO's τ (TRL's beta for loss_type ipo). */
  readonly tau?: number;
  /** How pairs are labelled (`bradley-terry` default, `hard`). */
  readonly labels?: string;
}

type OptimumFn = (inputs: OptimumInputs) => Float64Array;

function need<T>(value: T | undefined, name: string, method: string): T {
  if (value === undefined) throw new Error(`optimum of ${method}: needs ${name}`);
  return value;
}

/** IPO: solves the population stationarity condition exactly (see ipo-optimum.ts). */
const ipo: OptimumFn = ({ bandit, mu1, mu2, tau, labels }) => {
  const m1 = need(mu1, 'mu1', 'ipo'), m2 = need(mu2, 'mu2', 'ipo');
  assertDistribution(m1, 'mu1');
  assertDistribution(m2, 'mu2');
  return ipoOptimum(bandit.referenceProbs, m1, m2, preferenceMatrix(bandit.rewards, labels), need(tau, 'tau', 'ipo'));
};

export const METHOD_OPTIMA: ReadonlyMap<string, OptimumFn> = new Map<string, OptimumFn>([
  // DPO with Bradley–Terry labels P(a≻b) = σ(r_a − r_b): the KL-regularized optimum π* (DPO §4).
  ['dpo', ({ bandit }) => optimalPolicy(bandit)],
  // CoPG (Flet-Berliac et al. 2024, Thm. 1): π* for any full-support data distribution.
  ['copg', ({ bandit }) => optimalPolicy(bandit)],
  // RSO sigmoid-norm with soft BT labels: π_sft·exp(r/γ)/Z — temperature γ, not β (spec §11).
  ['rso', ({ bandit, gamma }) => tilt(bandit.referenceProbs, bandit.rewards, need(gamma, 'gamma', 'rso'))],
  ['ipo', ipo],
  // SFT on samples from μ: μ itself (maximum likelihood).
  ['sft', ({ mu1 }) => Float64Array.from(need(mu1, 'mu1', 'sft'))],
]);

/** The closed-form population optimum of `method` on the bandit. */
export function methodOptimum(method: string, inputs: OptimumInputs): Float64Array {
  const fn = METHOD_OPTIMA.get(method);
  if (!fn) throw new Error(`no closed-form optimum for method "${method}"; known: ${[...METHOD_OPTIMA.keys()].join(', ')}`);
  defineBandit(inputs.bandit);
  return fn(inputs);
}
