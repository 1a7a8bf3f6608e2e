/**
 * `prefstream demo`, the whole comparison: (a) noisy preference pairs from the SFT policy, (b) a
 * Bradley–Terry reward model, (c) every selected method from the same SFT policy under the same
 * budget, (d) held-out evaluation against SFT under the gold reward and the learned one, (e) the
 * table, report.json and report.html.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { additionTask, allAdditionProblems } from '@prefstream/eval';
import { CausalLM, loadTokenizer, type Tokenizer } from '@prefstream/model';
import { RewardModel } from '@prefstream/reward';
import { runPipeline, type StepProgress } from '@prefstream/trainer';
import { progressLine } from '../run/progress-line.js';
import { DEMO_OPTIMIZER, FULL_SIZES, QUICK_SIZES, REWARD_MODEL_OPTIMIZER, type DemoSizes } from './demo-settings.js';
import { formatTable, tableRows, TABLE_COLUMNS, writeReport, type DemoReport, type PolicyEntry } from './demo-report.js';
import type { DemoContext, DemoMethod } from './methods/demo-method.js';
import { samplePolicy, samplePolicyDir, type EvaluationSetup, type PolicySamples } from './policy-samples.js';
import { samplePreferencePairs } from './preference-pairs.js';
import { rewardModelAccuracy, trainRewardModel, withLearnedRewards } from './reward-model-step.js';
import { summarize } from './summarize.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Output directory (must exist and be empty). */
  readonly out: string;
  /** The SFT checkpoint (with tokenizer and `sft-data.json`). */
  readonly sftDir: string;
  readonly methods: readonly DemoMethod[];
  readonly seed: number;
  readonly quick: boolean;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

const GOLD_DOC = 'partial credit by place value: matching characters of the completion and the sum, aligned from the right, over the longer length; 1 only for the exact sum';

async function writeJsonl(file: string, rows: readonly object[]): Promise<string> {
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

type SftData = Parameters<typeof additionTask.mixedRows>[0];

/** The settings of the mixed-quality rows the SFT checkpoint was trained on (its `sft-data.json`). */
async function sftDataSettings(sftDir: string): Promise<SftData> {
  const file = path.join(sftDir, 'sft-data.json');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file}: missing; the SFT checkpoint must say which data it was trained on ({ count, seed, expertFraction })`);
  });
  return JSON.parse(text) as SftData;
}

function stepLogger(log: (line: string) => void, name: string, every: number) {
  return (p: StepProgress) => {
    if (p.step === 1 || p.step % every === 0 || p.step === p.maxSteps) log(`  ${name}: ${progressLine(p)}`);
  };
}

/** Runs the demo; resolves to what report.json holds (also written, with report.html). */
export async function runDemo(o: DemoOptions): Promise<DemoReport> {
  const started = Date.now();
  const sizes: DemoSizes = o.quick ? QUICK_SIZES : FULL_SIZES;
  const { budget } = sizes;
  const gold = additionTask.goldReward;
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  const dataDir = path.join(o.out, 'data');
  await mkdir(dataDir, { recursive: true });
  const tokenizer: Tokenizer = await loadTokenizer(o.sftDir);
  const sftData = await sftDataSettings(o.sftDir);
  const sft = await CausalLM.load(o.sftDir, { tokenizer });
  let rewardModel: RewardModel | undefined;
  try {
    // (a) preference pairs on training prompts; a held-out set for the reward model's accuracy.
    o.log(`[a] sampling ${sizes.pairPrompts} training prompts × 2 from SFT, labels by the noisy gold judge (τ ${sizes.labelTemperature})`);
    const pairOptions = { labelTemperature: sizes.labelTemperature, maxNewTokens: budget.maxNewTokens };
    const train = await samplePreferencePairs(sft, tokenizer, additionTask.sampleProblems({ split: 'train', count: sizes.pairPrompts, seed: o.seed }), gold, { ...pairOptions, seed: o.seed });
    const heldout = await samplePreferencePairs(sft, tokenizer, additionTask.sampleProblems({ split: 'heldout', count: sizes.heldoutPairPrompts, seed: o.seed + 1 }), gold, { ...pairOptions, seed: o.seed + 1 });
    o.log(`    ${train.pairs.length} pairs (${train.ties} tied skipped, of which ${train.identical} identical; ${train.flipped} labels disagree with gold); ${heldout.pairs.length} held-out pairs [${seconds()} s]`);
    // Enough distinct prompts that no method sees one twice: an update reads at most one prompt per sequence.
    const promptCount = Math.min(budget.updates * budget.sequencesPerUpdate, allAdditionProblems('train').length);
    const promptRows = additionTask.sampleProblems({ split: 'train', count: promptCount, seed: o.seed + 2 });
    const ctxFiles = {
      pairs: await writeJsonl(path.join(dataDir, 'pairs.jsonl'), train.pairs),
      scoredPairs: path.join(dataDir, 'scored-pairs.jsonl'),
      prompts: await writeJsonl(path.join(dataDir, 'prompts.jsonl'), promptRows.map((p) => ({ prompt_id: p.id, prompt: p.prompt }))),
      conditioned: await writeJsonl(path.join(dataDir, 'conditioned.jsonl'), additionTask.mixedRows(sftData)),
    };
    await writeJsonl(path.join(dataDir, 'heldout-pairs.jsonl'), heldout.pairs);

    // (b) the Bradley–Terry reward model, from the SFT weights.
    const rmDir = path.join(o.out, 'runs', 'reward-model');
    o.log(`[b] training the Bradley–Terry reward model: ${sizes.rewardModel.updates} updates × ${sizes.rewardModel.pairsPerUpdate} pairs`);
    const rmFinal = await trainRewardModel(
      { model: { dir: o.sftDir }, data: { path: ctxFiles.pairs }, output: rmDir, seed: o.seed, optimizer: REWARD_MODEL_OPTIMIZER, maxSteps: sizes.rewardModel.updates, epochs: 100, batchRows: sizes.rewardModel.pairsPerUpdate },
      { onStep: stepLogger(o.log, 'reward model', 50) },
    );
    rewardModel = await RewardModel.load(rmFinal, { tokenizer });
    const accuracy = await rewardModelAccuracy(rewardModel, tokenizer, heldout.pairs);
    await writeJsonl(ctxFiles.scoredPairs, await withLearnedRewards(rewardModel, tokenizer, train.pairs));
    o.log(`    held-out pair accuracy ${accuracy.labels.toFixed(3)} vs noisy labels, ${accuracy.gold.toFixed(3)} vs gold (${accuracy.pairs} pairs) [${seconds()} s]`);

    // (c) every method from the same SFT policy, same budget, same optimizer.
    const ctx: DemoContext = {
      sftDir: o.sftDir,
      rewardModelDir: rmFinal,
      files: ctxFiles,
      budget,
      seed: o.seed,
      optimizer: DEMO_OPTIMIZER,
      runDir: (name) => path.join(o.out, 'runs', name),
      goldReward: gold,
    };
    const trained: { method: DemoMethod; finalDir: string; seconds: number; updates: number }[] = [];
    for (const method of o.methods) {
      o.log(`[c] ${method.label}: ${method.description}`);
      const t0 = Date.now();
      const prepared = (await method.prepare?.(ctx)) ?? {};
      try {
        const resources = { ...method.resources?.(ctx), ...prepared };
        const result = await runPipeline(method.runConfig(ctx), { resources, onStep: stepLogger(o.log, method.name, 20) }, `demo method ${method.name}`);
        if (!result.finalDir) throw new Error(`demo method ${method.name}: the run stopped before writing final/`);
        trained.push({ method, finalDir: result.finalDir, seconds: (Date.now() - t0) / 1000, updates: result.step });
      } finally {
        for (const value of Object.values(prepared)) (value as { dispose?: () => void } | null)?.dispose?.();
      }
    }

    // (d) held-out evaluation of SFT and every method.
    const problems = additionTask.sampleProblems({ split: 'heldout', count: sizes.evalPrompts, seed: o.seed + 3 });
    o.log(`[d] evaluating SFT and ${trained.length} methods on ${problems.length} held-out prompts [${seconds()} s]`);
    const setup: EvaluationSetup = { problems, tokenizer, sft, rewardModel, gold, seed: o.seed + 4, maxNewTokens: budget.maxNewTokens };
    const sftSamples = await samplePolicy(sft, setup);
    const entry = (name: string, label: string, description: string, samples: PolicySamples, sftSamplesOrNone: PolicySamples | undefined): PolicyEntry => ({
      name,
      label,
      description,
      summary: summarize(samples, sftSamplesOrNone),
      samples: problems.slice(0, 5).map((p, i) => ({ prompt: p.prompt, completion: samples.completions[i]!, gold: samples.gold[i]! })),
    });
    const policies: PolicyEntry[] = [entry('sft', 'SFT', `the shipped SFT checkpoint (${sftData.count} mixed-quality rows, ${Math.round(100 * sftData.expertFraction)}% expert)`, sftSamples, undefined)];
    for (const t of trained) {
      const samples = await samplePolicyDir(t.finalDir, setup, t.method.evalPrompt);
      const runDir = ctx.runDir(t.method.name);
      policies.push({ ...entry(t.method.name, t.method.label, t.method.description, samples, sftSamples), training: { updates: t.updates, seconds: t.seconds, sequencesPerUpdate: await meanSequences(runDir, budget.sequencesPerUpdate), runDir } });
    }

    // (e) table, report.json, report.html.
    const report: DemoReport = {
      title: `prefstream demo: ${trained.map((t) => t.method.label).join(', ')} vs SFT on two-digit addition`,
      seed: o.seed,
      quick: o.quick,
      sizes,
      budgetStatement: `every method starts from the same SFT policy and makes ${budget.updates} AdamW updates (rate ${DEMO_OPTIMIZER.learningRate}), each on up to ${budget.sequencesPerUpdate} sequences in its loss (${budget.pairsPerUpdate} pairs, or ${budget.sequencesPerUpdate} rows for C-RLFT); SLiC samples ${(2 * budget.pairsPerUpdate) / budget.promptsPerUpdate} and RSO ${budget.candidatesPerPrompt} candidates per prompt on ${budget.promptsPerUpdate} prompts per update (sampling is not equalized)`,
      goldReward: GOLD_DOC,
      preferenceData: { prompts: train.prompts, pairs: train.pairs.length, ties: train.ties, identical: train.identical, flipped: train.flipped, heldoutPairs: heldout.pairs.length },
      rewardModel: { ...accuracy, updates: sizes.rewardModel.updates, runDir: rmDir },
      policies,
      wallSeconds: 0,
    };
    report.wallSeconds = (Date.now() - started) / 1000;
    const files = await writeReport(o.out, report);
    o.log('');
    o.log(formatTable(TABLE_COLUMNS, tableRows(report)));
    o.log('');
    o.log(`budget: ${report.budgetStatement}`);
    o.log(`wrote ${files.json} and ${files.html} [${seconds()} s]`);
    return report;
  } finally {
    sft.dispose();
    rewardModel?.dispose();
  }
}

/** Mean sequences per update in the loss: 2 × `pairs/pairs` for sampling pipelines that log it, else the budget. */
async function meanSequences(runDir: string, budgeted: number): Promise<number> {
  const text = await readFile(path.join(runDir, 'metrics.jsonl'), 'utf8');
  const pairs = text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as Record<string, unknown>)['pairs/pairs']).filter((v): v is number => typeof v === 'number');
  return pairs.length ? (2 * pairs.reduce((a, b) => a + b, 0)) / pairs.length : budgeted;
}

