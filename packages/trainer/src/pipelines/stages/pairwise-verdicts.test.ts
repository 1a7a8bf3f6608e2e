import { lastValueFrom, of, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, makeBatch, readStrings, readTokenLists, tf, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { CausalLM, CharTokenizer, parseModelConfig } from '@prefstream/model';
import { LanguageModelJudgeOptions, PairwiseJudge, positionConsistent } from '@prefstream/reward';
import { testContext } from '../../test-support/test-context.js';
import { pairwiseVerdicts, PairwiseVerdictsOptions } from './pairwise-verdicts.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const judge = () =>
  PairwiseJudge.fromLanguageModel(
    CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 18, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 32 }), 5),
    new CharTokenizer('0123456789+=AB|'),
    LanguageModelJudgeOptions.parse({ template: '{prompt}|{a}|{b}|', verdicts: ['A', 'B'] }),
  );

describe('pairwiseVerdicts', () => {
  it('expands each pair into both orders with the verdict token naming the chosen response; metrics from the judge; no leaks', async () => {
    const policy = judge();
    const ctx = testContext({ policy });
    const batch = makeBatch({ prompt: utf8Vector(['1+2=', '5+5=']), chosen: utf8Vector(['3', '10']), rejected: utf8Vector(['4', '11']) });
    const before = tf.memory().numTensors;
    const items: FlowItem[] = await lastValueFrom(of<FlowItem>(batch).pipe(pairwiseVerdicts.create(PairwiseVerdictsOptions.parse({}), ctx), toArray()));
    expect(tf.memory().numTensors).toBe(before);
    const out = items[0] as Batch;
    expect(out.numRows).toBe(4);
    expect(readStrings(out, 'chosen', 'test')).toEqual(['3', '3', '10', '10']);
    const tok = policy.tokenizer;
    expect(readTokenLists(out, 'prompt_ids', 'test').map((ids) => tok.decode([...ids]))).toEqual(['1+2=|3|4|', '1+2=|4|3|', '5+5=|10|11|', '5+5=|11|10|']);
    expect(readTokenLists(out, 'completion_ids', 'test').map((ids) => [...ids])).toEqual([[12], [13], [12], [13]]);
    const p = await policy.preferFirst([
      { prompt: '1+2=', first: '3', second: '4' },
      { prompt: '1+2=', first: '4', second: '3' },
      { prompt: '5+5=', first: '10', second: '11' },
      { prompt: '5+5=', first: '11', second: '10' },
    ]);
    const accuracy = (Number(p[0]! > 0.5) + Number(p[1]! < 0.5) + Number(p[2]! > 0.5) + Number(p[3]! < 0.5)) / 4;
    const consistency = (Number(positionConsistent(p[0]!, p[1]!)) + Number(positionConsistent(p[2]!, p[3]!))) / 2;
    const m = ctx.recorded.find((r) => r.meta?.stage === 'pairwiseVerdicts')!.values;
    expect(m['verdict/accuracy']).toBe(accuracy);
    expect(m['verdict/position_consistency']).toBe(consistency);
    expect(m['verdict/p_chosen']).toBeCloseTo((p[0]! + 1 - p[1]! + p[2]! + 1 - p[3]!) / 4, 6);
    policy.dispose();
  });

  it('needs a PairwiseJudge resource', () => {
    expect(() => pairwiseVerdicts.create(PairwiseVerdictsOptions.parse({}), testContext({ policy: {} }))).toThrow(/resource "policy" is not a PairwiseJudge/);
  });
});
