import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import path from 'node:path';
import { initBackend, readFloat32, tf, ConfigError } from '@prefstream/core';
import { CausalLM, loadTokenizer } from '@prefstream/model';
import type { Batch } from '@prefstream/core';
import { scoreWithReward } from './score-with-reward.js';
import { LanguageModelJudgeOptions, PairwiseLanguageModel, renderPairwiseTemplate } from './pairwise-language-model.js';
import { preferenceToReward, symmetricPreference } from './pairwise-preference.js';
import { scoreAll, testContext, textBatch } from './test-support/context.js';
import { byteTokenizer, tinyLM } from './test-support/tiny-model.js';

const tok = byteTokenizer();
let lm: CausalLM;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  lm = tinyLM(21);
});
afterAll(() => lm.dispose());

// Byte tokens: the verdicts are single letters, and the template ends with the space before them.
const options = LanguageModelJudgeOptions.parse({ template: 'Q:{prompt}|A:{a}|B:{b}|Better: ', verdicts: ['A', 'B'], batchSize: 3 });
const A = 'A'.charCodeAt(0);
const B = 'B'.charCodeAt(0);

/** σ(ℓ_A − ℓ_B) at the last position, computed on one unpadded sequence. */
async function reference(text: string): Promise<number> {
  const ids = tok.encode(text);
  const logits = tf.tidy(() => lm.forward(tf.tensor2d([ids], [1, ids.length], 'int32')));
  const values = await logits.data();
  logits.dispose();
  const V = 258;
  const at = (ids.length - 1) * V;
  return 1 / (1 + Math.exp(-(values[at + A]! - values[at + B]!)));
}

describe('PairwiseLanguageModel', () => {
  it('reads P(A) at the verdict tokens of the last real token, batched and padded', async () => {
    const judge = new PairwiseLanguageModel(lm, tok, options);
    const items = [
      { prompt: '2+2', first: '4', second: 'five' },
      { prompt: '2+2', first: 'five', second: '4' },
      { prompt: 'a much longer question here', first: 'x', second: 'y' },
      { prompt: 'q', first: 'r', second: 's' },
    ];
    const p = await judge.preferFirst(items);
    for (const [i, item] of items.entries()) expect(p[i]).toBeCloseTo(await reference(renderPairwiseTemplate(options.template, item)), 5);
  });

  it('drives the pairwise kind: r = logit(½[P(y first) + 1 − P(y_b first)])', async () => {
    const judge = new PairwiseLanguageModel(lm, tok, options);
    const ctx = testContext({ lm, tok });
    const batch = textBatch({ prompt_id: ['p', 'p'], prompt: ['2+2', '2+2'], completion: ['4', 'five'] });
    const [out] = await scoreAll({ kind: 'pairwise', model: 'lm', tokenizer: 'tok', template: options.template, verdicts: ['A', 'B'] }, ctx, [batch]);
    const [p1, p2] = await judge.preferFirst([
      { prompt: '2+2', first: 'five', second: '4' },
      { prompt: '2+2', first: '4', second: 'five' },
    ]);
    const r = readFloat32(out!, 'reward');
    expect(r[0]).toBe(0); // the baseline itself
    expect(r[1]).toBeCloseTo(preferenceToReward(symmetricPreference(p1!, p2!)), 5);
    expect(ctx.recorded.values[0]!['reward/position_consistency']).toBeGreaterThanOrEqual(0);
  });

  it('rejects verdicts that are not single tokens', () => {
    expect(() => new PairwiseLanguageModel(lm, tok, LanguageModelJudgeOptions.parse({}))).toThrow(ConfigError);
    expect(() => new PairwiseLanguageModel(lm, tok, LanguageModelJudgeOptions.parse({}))).toThrow(/verdict " A" encodes to 2 tokens \[32, 65\]/);
    expect(() => LanguageModelJudgeOptions.parse({ template: 'no placeholders' })).toThrow(/template must contain/);
  });

  it('leaks no tensors', async () => {
    const judge = new PairwiseLanguageModel(lm, tok, options);
    const items = [{ prompt: 'a', first: 'b', second: 'c' }];
    await judge.preferFirst(items);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await judge.preferFirst([...items, ...items, ...items, ...items]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors when the score stage is unsubscribed mid-batch', async () => {
    const ctx = testContext({ lm, tok });
    const reward = { kind: 'pairwise', model: 'lm', tokenizer: 'tok', template: options.template, verdicts: ['A', 'B'], batchSize: 1 };
    const rows = textBatch({ prompt_id: ['p', 'p', 'p', 'p'], prompt: ['q', 'q', 'q', 'q'], completion: ['a', 'b', 'c', 'd'] });
    await scoreAll(reward, ctx, [rows]);
    const before = tf.memory().numTensors;
    const input = new Subject<Batch>();
    let seen = 0;
    const sub = input.pipe(scoreWithReward.create(scoreWithReward.options.parse({ reward }), ctx)).subscribe(() => seen++);
    input.next(rows);
    await new Promise((r) => setImmediate(r)); // after the first of 6 forward passes
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The real GPT-2 checkpoint written by transformers (DESIGN §5), beside the repository. */
const fixture = path.resolve(import.meta.dirname, '../../../../shared/fixtures/hf-gpt2-tiny');

describe('PairwiseLanguageModel on the real GPT-2 tokenizer', () => {
  it('uses the default template and " A" / " B" verdicts (single BPE tokens)', async () => {
    const gpt2Tok = await loadTokenizer(fixture);
    expect(gpt2Tok.encode(' A')).toHaveLength(1);
    const gpt2 = await CausalLM.load(fixture);
    try {
      const judge = new PairwiseLanguageModel(gpt2, gpt2Tok, LanguageModelJudgeOptions.parse({}));
      const [ab, ba] = await judge.preferFirst([
        { prompt: 'What is 2+2?', first: '4', second: 'five' },
        { prompt: 'What is 2+2?', first: 'five', second: '4' },
      ]);
      for (const p of [ab!, ba!]) expect(p > 0 && p < 1).toBe(true);
    } finally {
      gpt2.dispose();
    }
  });
});
