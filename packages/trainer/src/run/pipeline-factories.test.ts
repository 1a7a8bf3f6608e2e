import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { custom, dpo, grpo, pairwisePpo, pairwiseRm, rso } from './pipeline-factories.js';
import { resolvePipeline } from '../pipelines/pipeline-registry.js';

describe('pipeline factories', () => {
  it('dpo({…}) in TS equals the same pipeline from YAML and JSON', () => {
    const fromYaml = resolvePipeline(parse('name: dpo\nbeta: 0.2\nloss: ipo\n'));
    const fromJson = resolvePipeline(JSON.parse('{"name":"dpo","beta":0.2,"loss":"ipo"}'));
    expect(dpo({ beta: 0.2, loss: 'ipo' }).stages).toEqual(fromYaml.stages);
    expect(fromJson.stages).toEqual(fromYaml.stages);
  });

  it('checks options when made', () => {
    expect(() => dpo({ beta: -1 })).toThrow(/pipeline dpo/);
  });

  it('RSO sampling with DPO\'s loss is one changed entry', () => {
    const loss = dpo({ beta: 0.3 }).stages.find((s) => s.kind === 'preferenceLoss')!;
    const swapped = custom({ stages: rso().stages.map((s) => (s.kind === 'preferenceLoss' ? loss : s)) });
    const diff = swapped.stages.filter((s, i) => JSON.stringify(s) !== JSON.stringify(rso().stages[i]));
    expect(diff).toEqual([loss]);
  });

  it('has a factory for every registered pipeline but custom, equal to its YAML form', () => {
    for (const [make, name] of [[grpo, 'grpo'], [pairwiseRm, 'pairwise-rm'], [pairwisePpo, 'pairwise-ppo']] as const) {
      expect(make().config).toEqual({ name });
      expect(make().stages).toEqual(resolvePipeline({ name }).stages);
    }
  });
});
