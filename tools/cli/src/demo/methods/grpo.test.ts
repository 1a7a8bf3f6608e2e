/**
 * GRPO on the demo task improves the gold reward over the shipped SFT checkpoint: 60 updates of
 * 2 prompts × G = 8 samples scored by the gold reward (the demo method's own run config, with its
 * own small budget and rate here so the test does not move with the demo's settings), then 400
 * held-out prompts sampled at temperature 1 with the same seed for both policies.
 * Measured at seed 0 on the Llama SFT checkpoint: gold 0.612 → 0.734, exact answers 40 % → 51 %.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@prefstream/core';
import { additionTask } from '@prefstream/eval';
import { CausalLM, loadTokenizer, type Tokenizer } from '@prefstream/model';
import { runPipeline } from '@prefstream/trainer';
import type { DemoContext } from './demo-method.js';
import { grpoMethod } from './grpo.js';

const SFT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../examples/demo/sft-checkpoint');
const SEED = 0;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

async function goldOf(dir: string, tokenizer: Tokenizer): Promise<{ mean: number; exact: number }> {
  const problems = additionTask.sampleProblems({ split: 'heldout', count: 400, seed: SEED + 3 });
  const policy = await CausalLM.load(dir, { tokenizer });
  try {
    const generations = await policy.generate(problems.map((p) => tokenizer.encode(p.prompt)), { maxNewTokens: 5, temperature: 1, seed: SEED + 4, tokenizer } as Parameters<CausalLM['generate']>[1]);
    const gold = generations.map((g, i) => additionTask.goldReward(problems[i]!.prompt, g.completion));
    return { mean: gold.reduce((s, x) => s + x, 0) / gold.length, exact: gold.filter((x) => x === 1).length / gold.length };
  } finally {
    policy.dispose();
  }
}

describe('grpo demo method', () => {
  it('raises the held-out gold reward of the SFT policy', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prefstream-grpo-demo-'));
    const prompts = path.join(dir, 'prompts.jsonl');
    const rows = additionTask.sampleProblems({ split: 'train', count: 240, seed: SEED + 2 });
    await writeFile(prompts, rows.map((p) => JSON.stringify({ prompt_id: p.id, prompt: p.prompt })).join('\n') + '\n');
    const ctx = {
      sftDir: SFT,
      files: { prompts },
      budget: { updates: 60, sequencesPerUpdate: 16, pairsPerUpdate: 8, promptsPerUpdate: 2, candidatesPerPrompt: 8, maxNewTokens: 5 },
      seed: SEED,
      optimizer: { name: 'adamw', learningRate: 3e-4, weightDecay: 0, maxGradNorm: 1, schedule: { kind: 'constant', warmupSteps: 5 } },
      runDir: (name: string) => path.join(dir, name),
      goldReward: additionTask.goldReward,
    } as unknown as DemoContext;
    const config = grpoMethod.runConfig(ctx);
    expect(config.batchRows).toBe(2);
    expect(config.pipeline).toMatchObject({ name: 'grpo', numGenerations: 8, beta: 0.04, reward: { kind: 'function', fn: 'goldReward' } });
    const before = tf.memory().numTensors;
    const result = await runPipeline(config, { resources: grpoMethod.resources!(ctx) });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.step).toBe(60);
    const tokenizer = await loadTokenizer(SFT);
    const sft = await goldOf(SFT, tokenizer);
    const grpo = await goldOf(result.finalDir!, tokenizer);
    expect(sft.mean).toBeCloseTo(0.612, 2);
    expect(grpo.mean - sft.mean).toBeGreaterThan(0.05);
    expect(grpo.exact).toBeGreaterThan(sft.exact);
  }, 120_000);
});
