/**
 * Scores a bandit run against the oracle while it trains and when it ends: after every update the
 * metrics row gets `bandit/regret` (J(π*) − J(π_t)), `bandit/kl_to_pi_star` and, where the method
 * has a closed-form optimum, `bandit/tv_to_optimum`; at the end `<output>/report.json` holds the
 * final policy, the optimum (population and empirical), π*, the distances, the regret and its curve.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { klDivergence, optimalPolicy, regret, totalVariation, type Bandit, type TabularPolicy } from '@prefstream/eval';
import type { BanditDataConfig } from './bandit-data-config.js';
import type { BanditTarget } from './bandit-optimum.js';

/** The file a bandit run writes into its output directory. */
export const BANDIT_REPORT_FILE = 'report.json';

/** Per-update metrics and the end-of-run report of a run. */
export interface RunMonitor {
  /** Extra values for the metrics row of the update just applied. */
  onStep(): Record<string, number>;
  /** Called once when the run completes (not when stopped). */
  onEnd(info: { output: string; step: number; history: readonly Record<string, number | null>[] }): Promise<void>;
}

const list = (p: ArrayLike<number> | null) => (p ? Array.from(p) : null);

/** Distances of one table to its targets. */
function scoreTable(pi: Float64Array, table: BanditTarget['tables'][number]) {
  return {
    tvToOptimum: table.optimum ? totalVariation(pi, table.optimum) : null,
    tvToEmpiricalOptimum: table.empiricalOptimum ? totalVariation(pi, table.empiricalOptimum) : null,
  };
}

/**
 * @param target what the run converges to (see {@link banditTarget}).
 * @param policy the trained tabular policy (borrowed).
 * @example const monitor = banditMonitor(config.data, banditTarget(config.data, stages, 'data'), policy)
 */
export function banditMonitor(data: BanditDataConfig, target: BanditTarget, policy: TabularPolicy): RunMonitor {
  const bandit: Bandit = { rewards: data.rewards, referenceProbs: data.referenceProbs, beta: target.beta };
  const piStar = optimalPolicy(bandit);
  const main = target.tables[0]!;
  return {
    onStep() {
      const pi = policy.probabilities(main.table);
      const row: Record<string, number> = { 'bandit/regret': regret(bandit, pi), 'bandit/kl_to_pi_star': klDivergence(pi, piStar) };
      const { tvToOptimum } = scoreTable(pi, main);
      if (tvToOptimum !== null) row['bandit/tv_to_optimum'] = tvToOptimum;
      return row;
    },
    async onEnd({ output, step, history }) {
      const tables = target.tables.map((t) => {
        const pi = policy.probabilities(t.table);
        return { name: t.name, policy: Array.from(pi), optimum: list(t.optimum), empiricalOptimum: list(t.empiricalOptimum), ...scoreTable(pi, t) };
      });
      const pi = policy.probabilities(main.table);
      const tvs = tables.map((t) => t.tvToOptimum);
      const report = {
        method: target.method,
        step,
        beta: target.beta,
        bandit: { rewards: data.rewards, referenceProbs: data.referenceProbs, mu1: data.mu1, mu2: data.mu2 ?? data.mu1, pairs: data.pairs, labels: data.labels, seed: data.seed },
        policy: Array.from(pi),
        optimum: list(main.optimum),
        empiricalOptimum: list(main.empiricalOptimum),
        optimumNote: target.note,
        piStar: Array.from(piStar),
        // C-RLFT: the largest distance over the classes
        tvToOptimum: tvs.every((v) => v !== null) ? Math.max(...(tvs as number[])) : null,
        tvToEmpiricalOptimum: tables.every((t) => t.tvToEmpiricalOptimum !== null) ? Math.max(...tables.map((t) => t.tvToEmpiricalOptimum!)) : null,
        klToPiStar: klDivergence(pi, piStar),
        regret: regret(bandit, pi),
        regretCurve: history.flatMap((row) => (typeof row['bandit/regret'] === 'number' ? [{ step: row.step, regret: row['bandit/regret'] }] : [])),
        ...(tables.length > 1 ? { classes: tables } : {}),
      };
      await writeFile(join(output, BANDIT_REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
    },
  };
}
