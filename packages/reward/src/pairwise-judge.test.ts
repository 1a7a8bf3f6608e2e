import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError, initBackend, tf } from '@prefstream/core';
import { CausalLM, parseModelConfig } from '@prefstream/model';
import { CharTokenizer } from '@prefstream/model';
import { LanguageModelJudgeOptions, PairwiseLanguageModel } from './pairwise-language-model.js';
import { PAIRWISE_JUDGE_FILE, PairwiseJudge } from './pairwise-judge.js';

const ALPHABET = '0123456789+=AB|';
const OPTIONS = LanguageModelJudgeOptions.parse({ template: '{prompt}|{a}|{b}|', verdicts: ['A', 'B'] });
const lm = () => CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 18, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 32 }), 3);
const ITEMS = [
  { prompt: '1+2=', first: '3', second: '4' },
  { prompt: '1+2=', first: '4', second: '3' },
];
let dir: string;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'judge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PairwiseJudge', () => {
  it('reads P(A) from the verdict tokens exactly as PairwiseLanguageModel does', async () => {
    const tokenizer = new CharTokenizer(ALPHABET);
    const judge = PairwiseJudge.fromLanguageModel(lm(), tokenizer, OPTIONS);
    expect(judge.verdictIds).toEqual([12, 13]);
    expect(judge.render(ITEMS[0]!)).toBe('1+2=|3|4|');
    const direct = await new PairwiseLanguageModel(judge.lm, tokenizer, OPTIONS).preferFirst(ITEMS);
    const before = tf.memory().numTensors;
    const got = await judge.preferFirst(ITEMS);
    expect(tf.memory().numTensors).toBe(before);
    expect([...got]).toEqual([...direct]);
    judge.dispose();
  });

  it('saves weights, tokenizer and pairwise_judge.json; loads back with no options to the same preferences', async () => {
    const judge = PairwiseJudge.fromLanguageModel(lm(), new CharTokenizer(ALPHABET), OPTIONS);
    const out = path.join(dir, 'judge');
    await judge.save(out);
    const back = await PairwiseJudge.load(out);
    expect(back.options.template).toBe(OPTIONS.template);
    expect(back.options.verdicts).toEqual(['A', 'B']);
    const a = await judge.preferFirst(ITEMS);
    const b = await back.preferFirst(ITEMS);
    b.forEach((p, i) => expect(p).toBeCloseTo(a[i]!, 6));
    judge.dispose();
    back.dispose();
  });

  it('refuses a plain model directory and a bad judge file, naming the file', async () => {
    const plain = path.join(dir, 'plain');
    const model = lm();
    await model.save(plain);
    model.dispose();
    await expect(PairwiseJudge.load(plain)).rejects.toThrow(DataError);
    await expect(PairwiseJudge.load(plain)).rejects.toThrow(/pairwise_judge\.json.*not a directory saved by PairwiseJudge/);
    await writeFile(path.join(plain, PAIRWISE_JUDGE_FILE), JSON.stringify({ template: 'no placeholders', verdicts: ['A', 'B'] }));
    await expect(PairwiseJudge.load(plain)).rejects.toThrow(/pairwise_judge\.json.*invalid judge file/);
  });

  it('refuses verdicts that are not one token', () => {
    const model = lm();
    expect(() => PairwiseJudge.fromLanguageModel(model, new CharTokenizer(ALPHABET), LanguageModelJudgeOptions.parse({ verdicts: ['AB', 'B'] }))).toThrow(ConfigError);
    model.dispose();
  });
});
