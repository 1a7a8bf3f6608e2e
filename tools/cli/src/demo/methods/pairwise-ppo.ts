/**
 * Pairwise-RL (arXiv 2504.04950): a generative pairwise judge trained on the noisy preference
 * pairs, then pairwise PPO from the SFT policy, rewarded by P_sym(y ≻ gold answer) − ½.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAdditionPrompt } from '@prefstream/eval';
import { JudgeOnDemand } from '../judge-on-demand.js';
import { baseRun } from './base-run.js';
import type { DemoContext, DemoMethod } from './demo-method.js';

/** Completions per prompt: one rollout is `sequencesPerUpdate` samples, one minibatch. */
const SAMPLES_PER_PROMPT = 8;
/** PPO passes per rollout (TRL's `num_ppo_epochs`): each pass is one of the budget's updates. */
const PPO_EPOCHS = 4;
/** The judge reads `12+34=|A:46|B:45|` and answers `A` or `B` (the addition tokenizer has all five characters). */
const JUDGE = { template: '{prompt}|A:{a}|B:{b}|', verdicts: ['A', 'B'] };
/**
 * Judge updates (at most, and at most 3 per policy update so `--quick` stays quick) and rate: a
 * verdict needs the sum worked out for both answers, which the SFT weights learn slower than a
 * scalar head; 300 updates at 3e-3 reach about the Bradley–Terry model's held-out pair accuracy
 * against gold (0.71 vs 0.73 on the full demo's pairs, seed 0; 600 updates give 0.72).
 */
const JUDGE_UPDATES = 300;
const JUDGE_LEARNING_RATE = 3e-3;
const JUDGE_PAIRS_PER_UPDATE = 16;

/** Training prompts with their anchor: the gold (expert) answer, the exact sum. */
function anchoredPrompts(ctx: DemoContext): string {
  const file = path.join(path.dirname(ctx.files.prompts), 'anchored-prompts.jsonl');
  const rows = readFileSync(ctx.files.prompts, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { prompt_id: string; prompt: string };
      const { a, b } = parseAdditionPrompt(row.prompt);
      return JSON.stringify({ ...row, anchor: String(a + b) });
    });
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

/**
 * Pairwise-RL: the judge (`pairwise-rm`, from the SFT weights, both orders of every noisy pair) is
 * trained on first use; then `pairwise-ppo` on `sequencesPerUpdate / 8` prompts × 8 samples per
 * rollout, 4 PPO epochs of one minibatch each (so a rollout is 4 of the budget's updates, each on
 * `sequencesPerUpdate` sequences), KL 0.05, GAE γ 1, λ 0.95, TRL's clip ranges and value
 * coefficient.
 *
 * Measured on the full demo (seed 0, 2-layer Llama SFT, 200 updates at 1e-4): held-out gold reward
 * 0.612 → 0.640, exact 40.3% → 41.0%, gold win rate vs SFT 73/49/278 = 0.60 [0.51, 0.68], KL 0.25.
 * With 1 epoch per rollout (200 rollouts): 0.632, 42.0%, 47/30/323 = 0.61 [0.50, 0.71], KL 0.12.
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
    data: { path: anchoredPrompts(ctx) },
    batchRows: Math.max(1, Math.floor(ctx.budget.sequencesPerUpdate / SAMPLES_PER_PROMPT)),
  }),
  resources: (ctx) => ({
    judge: new JudgeOnDemand({
      pipeline: { name: 'pairwise-rm', ...JUDGE },
      model: { dir: ctx.sftDir },
      data: { path: ctx.files.pairs },
      output: ctx.runDir('pairwise-ppo-judge'),
      seed: ctx.seed,
      optimizer: { name: 'adamw', learningRate: JUDGE_LEARNING_RATE, weightDecay: 0, maxGradNorm: 1 },
      maxSteps: Math.min(JUDGE_UPDATES, 3 * ctx.budget.updates),
      epochs: 100,
      batchRows: JUDGE_PAIRS_PER_UPDATE,
    }),
  }),
};
