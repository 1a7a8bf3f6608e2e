/**
 * What a bandit run should converge to, read off its stage list (spec §11): a registry keyed by
 * the loss (`preferenceLoss` type, or `nllLoss`) that gives the method's closed-form population
 * optimum and, where the run trains on a fixed sample of N pairs, the empirical optimum of the
 * same loss on the realized pairs (what full-batch training reaches; it differs from the
 * population optimum by O(1/√N)). Where no closed form exists the optimum is null with the reason.
 */
import { ConfigError, type ParsedStage } from '@prefstream/core';
import {
  copgPairLoss, drawBanditPairs, empiricalDistribution, fitPairwise, ipoPairLoss, methodOptimum, sigmoidPairLoss, solveGrpoFixedPoint, tilt, winCounts,
  type PairLoss,
} from '@prefstream/eval';
import type { ScaleRewards } from '@prefstream/losses';
import { BANDIT_CLASSES, type BanditDataConfig } from './bandit-data-config.js';

/** The target of one policy table (table 0: the unconditioned prompt; C-RLFT: one per class). */
export interface BanditTargetTable {
  readonly name: string;
  readonly table: number;
  readonly optimum: Float64Array | null;
  readonly empiricalOptimum: Float64Array | null;
}

/** What the run is scored against. */
export interface BanditTarget {
  /** dpo, ipo, copg, rso, crlft, sft, or the loss type when it has no closed form. */
  readonly method: string;
  /** β of the oracle (π*, J, regret). */
  readonly beta: number;
  /** The first table is the one `policy` reports (C-RLFT: the expert class, used at inference). */
  readonly tables: readonly BanditTargetTable[];
  /** Where the optimum comes from, or why it is null. */
  readonly note: string;
}

type Options = Record<string, unknown>;
/** How pairs are labelled: Bradley–Terry at a temperature (σ((r_w − r_l)/T)) or hard; online = sampled by the run. */
interface Labels {
  readonly kind: 'bradley-terry' | 'hard';
  readonly temperature: number;
  readonly online: boolean;
}
interface Inputs {
  readonly data: BanditDataConfig;
  readonly mu2: readonly number[];
  readonly options: Options;
  readonly labels: Labels;
  readonly stages: readonly ParsedStage[];
}
type Entry = (inputs: Inputs) => { method: string; tables: BanditTargetTable[]; note: string };

const one = (optimum: Float64Array | null | undefined, empiricalOptimum: Float64Array | null | undefined): BanditTargetTable[] => [
  { name: 'policy', table: 0, optimum: optimum ?? null, empiricalOptimum: empiricalOptimum ?? null },
];

/** The empirical optimum of `loss` on the realized pairs, unless the pairs are sampled online. */
function empirical({ data, mu2, labels }: Inputs, loss: PairLoss): Float64Array | null {
  if (labels.online) return null;
  const draws = drawBanditPairs({ ...data, mu2 });
  return fitPairwise(winCounts(draws, data.rewards.length), data.referenceProbs, loss) ?? null;
}

/** −logσ(s·h) family: DPO (s = β) and RSO sigmoid-norm (s = γ). */
const sigmoidFamily = (method: string, scale: (o: Options) => number): Entry => (inputs) => {
  const { data, options, labels } = inputs;
  const s = scale(options);
  if (Number(options.labelSmoothing ?? 0) > 0) return { method, tables: one(null, null), note: 'label smoothing: the optimum of the smoothed loss has no closed form' };
  if (labels.kind === 'hard') return { method, tables: one(null, null), note: 'hard labels: −logσ has no finite minimizer (the policy moves towards the best arm without bound)' };
  const optimum = tilt(data.referenceProbs, data.rewards, s * labels.temperature);
  const emp = empirical(inputs, sigmoidPairLoss(s));
  return { method, tables: one(optimum, emp), note: `Bradley–Terry labels: π_ref·exp(r/(${s}·${labels.temperature}))/Z${labels.online ? ' (pairs sampled online: no fixed sample)' : emp ? '' : '; the realized wins are not strongly connected, so no finite empirical optimum'}` };
};

const ENTRIES: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['preferenceLoss:sigmoid', sigmoidFamily('dpo', (o) => Number(o.beta))],
  ['preferenceLoss:rso-sigmoid-norm', sigmoidFamily('rso', (o) => Number(o.gamma))],
  ['preferenceLoss:ipo', (inputs) => {
    const { data, mu2, options, labels } = inputs;
    const tau = Number(options.beta);
    if (labels.online) return { method: 'ipo', tables: one(null, null), note: 'IPO on pairs sampled by the run: its optimum depends on the sampling distribution' };
    const optimum = methodOptimum('ipo', { bandit: { rewards: data.rewards, referenceProbs: data.referenceProbs, beta: tau }, mu1: data.mu1, mu2, tau, labels: labels.kind });
    return { method: 'ipo', tables: one(optimum, empirical(inputs, ipoPairLoss(tau))), note: `IPO stationarity with τ = ${tau} (spec §11; depends on μ1, μ2)` };
  }],
  ['preferenceLoss:copg', (inputs) => {
    const beta = Number(inputs.options.beta);
    const optimum = tilt(inputs.data.referenceProbs, inputs.data.rewards, beta);
    return { method: 'copg', tables: one(optimum, empirical(inputs, copgPairLoss(inputs.data.rewards, beta))), note: `CoPG: π_ref·exp(r/${beta})/Z for any full-support data (spec §5)` };
  }],
  ['grpoLoss', ({ data, options, stages }) => {
    const beta = Number(options.beta ?? 0);
    const stageOptions = (kind: string) => (stages.find((s) => s.kind === kind)?.options ?? {}) as Options;
    const groupSize = Number(stageOptions('generateCandidates').n);
    const scaleRewards = String(stageOptions('groupAdvantages').scaleRewards ?? 'group') as ScaleRewards;
    if (!(beta > 0)) {
      const best = Math.max(...data.rewards);
      const winners = data.rewards.filter((r) => r === best).length;
      return { method: 'grpo', tables: one(Float64Array.from(data.rewards, (r) => (r === best ? 1 / winners : 0)), null), note: 'GRPO without the KL term: all mass on the best arm (a limit, never reached at finite logits)' };
    }
    const fixed = solveGrpoFixedPoint(data.rewards, data.referenceProbs, { beta, scaleRewards, groupSize });
    return { method: 'grpo', tables: one(fixed.probabilities, null), note: `GRPO with β·k3 (β = ${beta}, scaleRewards ${scaleRewards}, G = ${groupSize}): the zero of its expected update, not π* (packages/eval README)` };
  }],
  ['nllLoss', ({ data, mu2, options, stages }) => {
    const draws = [...drawBanditPairs({ ...data, mu2 })];
    const k = data.rewards.length;
    const conditioned = stages.some((s) => s.kind === 'tokenize' && (s.options as Options).condition !== undefined);
    if (conditioned) {
      const tables = BANDIT_CLASSES.map((name, j) => ({
        name, table: j + 1,
        optimum: Float64Array.from(j === 0 ? data.mu1 : mu2),
        empiricalOptimum: empiricalDistribution(draws.map((d) => (j === 0 ? d.first : d.second)), k),
      }));
      return { method: 'crlft', tables, note: 'C-RLFT: each class\'s data distribution (expert: mu1, suboptimal: mu2); `policy` is the expert class' };
    }
    const [we, ws] = options.weightColumn === undefined ? [1, 1] : [data.classWeights.expert, data.classWeights.suboptimal];
    const optimum = Float64Array.from(data.mu1, (p, i) => (we * p + ws * mu2[i]!) / (we + ws));
    const counts = new Float64Array(k);
    for (const d of draws) (counts[d.first]! += we), (counts[d.second]! += ws);
    const total = counts.reduce((a, b) => a + b, 0);
    return { method: 'sft', tables: one(optimum, counts.map((c) => c / total)), note: 'SFT: the (weighted) mixture of the completions\' distributions' };
  }],
]);

function labelsOf(stages: readonly ParsedStage[], data: BanditDataConfig, loss: Options): Labels {
  const pairs = stages.find((s) => s.kind === 'buildPairs');
  if (!pairs) return { kind: data.labels as Labels['kind'], temperature: 1, online: false };
  const preference = (pairs.options as Options).preference as { kind: string; temperature?: number } | undefined;
  const soft = loss.softLabels === true && preference?.kind === 'sigmoid';
  return { kind: soft ? 'bradley-terry' : 'hard', temperature: soft ? preference.temperature ?? 1 : 1, online: true };
}

/** The oracle's β a loss implies: its β (DPO, IPO's τ, CoPG) or RSO's γ; none for other losses. */
const LOSS_BETA: ReadonlyMap<string, (o: Options) => unknown> = new Map([
  ['preferenceLoss:sigmoid', (o: Options) => o.beta],
  ['preferenceLoss:ipo', (o: Options) => o.beta],
  ['preferenceLoss:copg', (o: Options) => o.beta],
  ['preferenceLoss:rso-sigmoid-norm', (o: Options) => o.gamma],
  ['grpoLoss', (o: Options) => (Number(o.beta) > 0 ? o.beta : undefined)],
]);

/**
 * The target of a bandit run with these stages (the loss is the stage that emits gradients); a
 * ConfigError naming `<where>.beta` when the oracle's β is neither given nor implied by the loss.
 */
export function banditTarget(data: BanditDataConfig, stages: readonly ParsedStage[], where: string): BanditTarget {
  const loss = stages.find((s) => s.definition.output === 'gradients');
  const options = (loss?.options ?? {}) as Options;
  const type = loss?.kind === 'preferenceLoss' ? (Array.isArray(options.loss) ? options.loss.join('+') : String(options.loss)) : undefined;
  const key = type ? `preferenceLoss:${type}` : loss?.kind ?? 'none';
  const implied = LOSS_BETA.get(key)?.(options);
  const beta = data.beta ?? (typeof implied === 'number' ? implied : undefined);
  if (beta === undefined) throw new ConfigError(`${where}.beta`, `required: the pipeline's loss (${type ?? loss?.kind ?? 'none'}) implies no β for the oracle's J(π) = E[r] − β·KL(π‖π_ref)`);
  const entry = ENTRIES.get(key);
  if (!entry) return { method: type ?? key, beta, tables: one(null, null), note: `${type ?? key}: no closed-form optimum here (hinge losses have a set of minimizers, spec §11; on-policy methods depend on their sampling)` };
  return { beta, ...entry({ data, mu2: data.mu2 ?? data.mu1, options, labels: labelsOf(stages, data, options), stages }) };
}
