import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { ConfigError, initBackend, makeBatch, tf, tokenListVector, type Batch } from '@prefstream/core';
import { readFloatLists } from './float-lists.js';
import { referenceLogps } from './reference-logps.js';
import { testContext } from './test-support/stage-context.js';
import { TabularPolicy } from './test-support/tabular-policy.js';
import { tokenLogps } from './token-logps.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const LOGITS = [0.5, -1, 0.25];
const lp = (() => {
  const z = Math.log(LOGITS.reduce((s, l) => s + Math.exp(l), 0));
  return LOGITS.map((l) => l - z);
})();
const COMPLETIONS = [[0], [1, 2, 0], [2, 2]];
const input = (): Batch => makeBatch({ prompt_ids: tokenListVector(COMPLETIONS.map(() => [0])), completion_ids: tokenListVector(COMPLETIONS) });
const rows = (b: Batch, name: string) => readFloatLists(b, name, 'test').map((r) => Array.from(r));
const expected = (maxTokens = Infinity) => COMPLETIONS.map((c) => c.slice(0, maxTokens).map((a) => lp[a]!));

let model: TabularPolicy;
let baseline: number;
beforeEach(() => {
  baseline = tf.memory().numTensors;
  model = new TabularPolicy({ arms: 3, logits: LOGITS });
});
afterEach(() => {
  model.dispose();
  expect(tf.memory().numTensors).toBe(baseline);
});

const first = (o: Observable<unknown>) => lastValueFrom(o.pipe(toArray())).then((all) => all[0] as Batch);

describe('tokenLogps', () => {
  it('writes log π(y_t | x, y_<t) of every completion token as a List<Float32> column', async () => {
    const op = tokenLogps.create(tokenLogps.options.parse({ model: 'behaviour', microBatchSize: 2 }), testContext({ behaviour: model }));
    const out = await first(of(input()).pipe(op));
    const got = rows(out, 'old_token_logps');
    got.forEach((row, b) => row.forEach((v, t) => expect(v).toBeCloseTo(expected()[b]![t]!, 6)));
    expect(got.map((r) => r.length)).toEqual([1, 3, 2]);
  });

  it('keeps only the tokens that fit maxLength (prompt 1 + 2 completion tokens)', async () => {
    const op = tokenLogps.create(tokenLogps.options.parse({ output: 'x', maxLength: 3 }), testContext({ policy: model }));
    const got = rows(await first(of(input()).pipe(op)), 'x');
    expect(got.map((r) => r.length)).toEqual([1, 2, 2]);
    got.forEach((row, b) => row.forEach((v, t) => expect(v).toBeCloseTo(expected(2)[b]![t]!, 6)));
  });
});

describe('referenceLogps perToken', () => {
  it('writes ref_token_logps with completions: single', async () => {
    const options = referenceLogps.options.parse({ completions: 'single', perToken: true, cache: false });
    expect(referenceLogps.produces(options)).toEqual(['ref_token_logps']);
    expect(referenceLogps.requires(options)).toEqual(['prompt_ids', 'completion_ids']);
    const out = await first(of(input()).pipe(referenceLogps.create(options, testContext({ reference: model }))));
    rows(out, 'ref_token_logps').forEach((row, b) => row.forEach((v, t) => expect(v).toBeCloseTo(expected()[b]![t]!, 6)));
    expect(out.getChild('ref_logps')).toBeNull();
  });

  it('refuses perToken with pairs', () => {
    const options = referenceLogps.options.parse({ perToken: true, cache: false });
    expect(() => referenceLogps.create(options, testContext({ reference: model }))).toThrow(ConfigError);
  });
});
