/**
 * Pairwise-RL (arXiv 2504.04950): a generative pairwise judge trained on the noisy preference
 * pairs, then pairwise PPO from the SFT policy, rewarded by P_sym(y ≻ gold answer) − ½.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAdditionPrompt } from '@prefstream/eval';
import { PairwiseJudge } from '@prefstream/reward';
import { runPipeline, type RunConfigInput } from '@prefstream/trainer';
import { baseRun } from './base-run.js';
import type { DemoContext, DemoMethod } from './demo-method.js';

/** Completions per prompt: one rollout is `sequencesPerUpdate` samples, one minibatch. */
const SAMPLES_PER_PROMPT = 8;
/** PPO passes per rollout (TRL's `num_ppo_epochs`): each pass is one of the budget's updates. */
const PPO_EPOCHS = 4;
/**
 * The judge reads `12+34=46|12+34=45|` and answers `A` (the first) or `B`: each answer sits right
 * after its own copy of the prompt, where the SFT weights already predict the sum, so the verdict
 * only has to compare how expected each answer was. On the full demo's pairs (seed 0) this reaches
 * 0.78 held-out pair accuracy against gold after 600 updates at 1e-3, against 0.67–0.69 for
 * `12+34=|A:46|B:45|` trained as long or longer (0.75 for the Bradley–Terry model of step (b)).
 */
const JUDGE = { template: '{prompt}{a}|{prompt}{b}|', verdicts: ['A', 'B'] };
/** Judge updates (at most, and at most 3 per policy update so `--quick` stays quick) and rate. */
const JUDGE_UPDATES = 600;
const JUDGE_LEARNING_RATE = 1e-3;
const JUDGE_PAIRS_PER_UPDATE = 16;

/** The training prompts with their anchor column, written by `prepare`. */
const anchoredPath = (ctx: DemoContext) => path.join(path.dirname(ctx.files.prompts), 'anchored-prompts.jsonl');

/** Training prompts with their anchor: the gold (expert) answer, the exact sum. */
async function writeAnchoredPrompts(ctx: DemoContext): Promise<void> {
  const rows = (await readFile(ctx.files.prompts, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { prompt_id: string; prompt: string };
      const { a, b } = parseAdditionPrompt(row.prompt);
      return JSON.stringify({ ...row, anchor: String(a + b) });
    });
  await writeFile(anchoredPath(ctx), rows.join('\n') + '\n');
}

/** The judge's `pairwise-rm` run: from the SFT weights, both orders of every noisy pair. */
function judgeRun(ctx: DemoContext): RunConfigInput {
  return {
    pipeline: { name: 'pairwise-rm', ...JUDGE },
    model: { dir: ctx.sftDir },
    data: { path: ctx.files.pairs },
    output: ctx.runDir('pairwise-ppo-judge'),
    seed: ctx.seed,
    optimizer: { name: 'adamw', learningRate: JUDGE_LEARNING_RATE, weightDecay: 0, maxGradNorm: 1 },
    maxSteps: Math.min(JUDGE_UPDATES, 3 * ctx.budget.updates),
    epochs: 100,
    batchRows: JUDGE_PAIRS_PER_UPDATE,
  };
}

/** Trains the judge (unless its `final/` is there) and loads it. @owns the returned judge. */
async function trainedJudge(ctx: DemoContext): Promise<PairwiseJudge> {
  const config = judgeRun(ctx);
  let final = path.join(config.output, 'final');
  if (!existsSync(path.join(final, 'pairwise_judge.json'))) {
    const result = await runPipeline(config, {}, 'demo pairwise judge');
    if (!result.finalDir) throw new Error('demo pairwise judge: the run stopped before writing final/');
    final = result.finalDir;
  }
  return PairwiseJudge.load(final);
}

/**
 * Pairwise-RL: the judge (`pairwise-rm`, from the SFT weights, both orders of every noisy pair) is
 * trained in `prepare` and held for the run; then `pairwise-ppo` on `sequencesPerUpdate / 8`
 * prompts × 8 samples per rollout, 4 PPO epochs of one minibatch each (so a rollout is 4 of the budget's updates, each on
 * `sequencesPerUpdate` sequences), KL 0.05, GAE γ 1, λ 0.95, TRL's clip ranges and value
 * coefficient.
 *
 * Measured on the full demo (seed 0, 2-layer Llama SFT, 200 updates at 1e-4): held-out gold reward
 * 0.612 [0.575, 0.648] → 0.675 [0.642, 0.708], exact 40.3% → 41.5%, gold win rate vs SFT
 * 97/59/244 = 0.62 [0.54, 0.69], KL(π‖SFT) 0.74 ± 0.29. The judge's held-out position consistency
 * is 0.66.
 */
export const pairwisePpoMethod: DemoMethod = {
  name: 'pairwise-ppo',
  label: 'Pairwise-RL',
  description: 'generative pairwise judge on the noisy pairs; PPO (4 epochs per rollout) with reward P_sym(y ≻ gold answer) − ½, per-token KL 0.05, value head, GAE',
  runConfig: (ctx) => ({
    ...baseRun(ctx, 'pairwise-ppo'),
    pipeline: {
      name: 'pairwise-ppo',
      anchor: 'anchor',
      n: SAMPLES_PER_PROMPT,
      epochs: PPO_EPOCHS,
      miniBatches: 1,
      generation: { maxNewTokens: ctx.budget.maxNewTokens, temperature: 1, topK: 0 },
    },
    data: { path: anchoredPath(ctx) },
    batchRows: Math.max(1, Math.floor(ctx.budget.sequencesPerUpdate / SAMPLES_PER_PROMPT)),
  }),
  async prepare(ctx) {
    await writeAnchoredPrompts(ctx);
    return { judge: await trainedJudge(ctx) };
  },
};
