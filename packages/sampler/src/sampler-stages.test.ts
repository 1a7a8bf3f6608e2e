import { describe, expect, it } from 'vitest';
import { checkColumnFlow, ConfigError, definePipeline, StageRegistry } from '@prefstream/core';
import { SAMPLER_STAGES } from './sampler-stages.js';

const registry = () => {
  const r = new StageRegistry();
  for (const stage of SAMPLER_STAGES) r.register(stage);
  return r;
};

describe('SAMPLER_STAGES', () => {
  it('registers each stage under its export name', () => {
    expect(registry().kinds()).toEqual(['bestOfN', 'buildPairs', 'generateCandidates', 'rejectionSample']);
  });

  it('chains RSO sampling after a reward stage: scored candidates → accepted → pairs', () => {
    const stages = definePipeline(registry(), [{ kind: 'rejectionSample', numSamples: 8, beta: 0.5 }, { kind: 'buildPairs', preference: { kind: 'sigmoid' } }]);
    const flow = checkColumnFlow(stages, ['prompt_id', 'prompt', 'completion', 'completion_ids', 'completion_logps', 'reward']);
    expect([...flow.columns].sort()).toEqual(['chosen', 'chosen_ids', 'chosen_reward', 'preference', 'prompt', 'prompt_id', 'rejected', 'rejected_ids', 'rejected_reward']);
  });

  it('names the missing reward when pairs are built straight from generated candidates', () => {
    const stages = definePipeline(registry(), [{ kind: 'generateCandidates', n: 8 }, { kind: 'buildPairs' }]);
    expect(() => checkColumnFlow(stages, ['prompt_id', 'prompt'])).toThrow(ConfigError);
    expect(() => checkColumnFlow(stages, ['prompt_id', 'prompt'])).toThrow(/buildPairs \(#1\).*"reward"/);
  });
});
