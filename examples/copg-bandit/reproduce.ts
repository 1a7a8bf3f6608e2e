/**
 * Reproduces the toy bandit of the CoPG paper (arXiv 2406.19185): R = (2.5, 2, 1), β = 0.5,
 * uniform π_ref, first responses from μ1 = (0.1, 0.2, 0.7), second from μ2 = (0.05, 0.05, 0.9).
 * Trains CoPG, IPO, DPO (soft Bradley–Terry labels) and off-policy PG without baseline on their
 * exact expected losses, writes report.json beside this file and prints a table.
 *
 *   npx tsx --conditions=@prefstream/source examples/copg-bandit/reproduce.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@prefstream/core';
import { optimalPolicy, trainBandit } from '@prefstream/eval';

const bandit = { rewards: [2.5, 2, 1], referenceProbs: [1 / 3, 1 / 3, 1 / 3], beta: 0.5 };
const data = { mu1: [0.1, 0.2, 0.7], mu2: [0.05, 0.05, 0.9] };
const training = { steps: 300, learningRate: 0.1, recordEvery: 10, seed: 0, labels: 'bradley-terry', tau: 0.5 };
const methods = ['copg', 'ipo', 'dpo', 'off-policy-pg'];

await initBackend({ prefer: 'wasm', log: () => {} });
const round = (xs: ArrayLike<number> | undefined) => xs && Array.from(xs, (x) => Number(x.toPrecision(6)));

const results = methods.map((method) => {
  const run = trainBandit({ method, bandit, ...data, ...training });
  run.policy.dispose();
  return {
    method,
    policy: round(run.probabilities)!,
    optimum: round(run.optimum) ?? null,
    tvToOptimum: run.tvToOptimum ?? null,
    klToPiStar: run.klToPiStar,
    regret: run.regret,
    regretCurve: run.regretCurve,
  };
});

const report = { bandit, ...data, training, piStar: round(optimalPolicy(bandit)), methods: results };
const out = fileURLToPath(new URL('./report.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

const fmt = (xs: readonly number[] | null) => (xs ? `(${xs.map((x) => x.toFixed(4)).join(', ')})` : '—');
console.log(`π* = ${fmt(report.piStar!)}`);
console.log('| method | final π | method optimum | TV to optimum | regret |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.method} | ${fmt(r.policy)} | ${fmt(r.optimum)} | ${r.tvToOptimum === null ? '—' : r.tvToOptimum.toExponential(1)} | ${r.regret.toExponential(2)} |`);
}
console.log(`wrote ${out}`);
