import { describe, expect, it } from 'vitest';
import { ConfigError, checkColumnFlow, definePipeline } from '@prefstream/core';
import { createStageRegistry } from './stage-registry.js';
import { PIPELINES, resolvePipeline } from './pipeline-registry.js';

const PAIRS = ['prompt', 'chosen', 'rejected'];
/** The columns each pipeline's data provides (DESIGN §4 "read …"). */
const SOURCES: Record<string, string[]> = {
  sft: ['prompt', 'completion'],
  'reward-model': PAIRS,
  dpo: PAIRS,
  slic: ['prompt_id', 'prompt'],
  rso: ['prompt_id', 'prompt'],
  copg: [...PAIRS, 'chosen_reward', 'rejected_reward'],
  crlft: ['prompt', 'completion', 'condition', 'weight'],
};

describe('pipeline registry', () => {
  const registry = createStageRegistry();

  it.each(Object.entries(SOURCES))('%s: its stage list passes the column-flow check and ends in applyUpdates', (name, columns) => {
    const { stages } = resolvePipeline({ name });
    const flow = checkColumnFlow(definePipeline(registry, stages), columns);
    expect(stages.at(-1)!.kind).toBe('applyUpdates');
    expect(flow.output).toBe('batch');
  });

  it('registers every paper and custom', () => {
    expect([...PIPELINES.keys()].sort()).toEqual(['copg', 'crlft', 'custom', 'dpo', 'grpo', 'pairwise-ppo', 'pairwise-rm', 'reward-model', 'rso', 'sft', 'slic']);
  });

  it('swapping RSO\'s loss for DPO\'s is one entry', () => {
    const rso = resolvePipeline({ name: 'rso', n: 4, numSamples: 2 }).stages;
    const dpoLoss = resolvePipeline({ name: 'dpo', beta: 0.2 }).stages.find((s) => s.kind === 'preferenceLoss')!;
    const swapped = rso.map((s) => (s.kind === 'preferenceLoss' ? dpoLoss : s));
    const parsed = definePipeline(registry, resolvePipeline({ name: 'custom', stages: swapped }).stages);
    checkColumnFlow(parsed, SOURCES.rso!);
    expect(parsed.find((s) => s.kind === 'preferenceLoss')!.options).toMatchObject({ loss: 'sigmoid', beta: 0.2 });
    expect(parsed.find((s) => s.kind === 'rejectionSample')!.options).toMatchObject({ numSamples: 2 });
  });

  it('lists valid names and valid keys', () => {
    expect(() => resolvePipeline({ name: 'dop' })).toThrow(/unknown pipeline "dop" \(valid names: sft, reward-model, dpo, slic, rso, copg, crlft, custom, pairwise-rm, pairwise-ppo, grpo\)/);
    expect(() => resolvePipeline({ name: 'dpo', bta: 0.1 })).toThrow(ConfigError);
    expect(() => resolvePipeline({ name: 'dpo', bta: 0.1 })).toThrow(/valid keys: name, beta, loss/);
  });

  it('names the stage and column when the data lacks one', () => {
    const { stages } = resolvePipeline({ name: 'dpo' });
    expect(() => checkColumnFlow(definePipeline(registry, stages), ['prompt', 'chosen'])).toThrow(/tokenize \(#0\).*"rejected"/);
  });
});
