import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { initBackend, makeBatch, readFloat32, tf, tokenListVector, utf8Vector, type Batch } from '@prefstream/core';
import { packSequences } from '@prefstream/model';
import { RewardModel } from '../reward-model.js';
import { scoreWithReward } from '../score-with-reward.js';
import { scoreAll, testContext, textBatch } from '../test-support/context.js';
import { byteTokenizer, tinyLM } from '../test-support/tiny-model.js';

const tok = byteTokenizer();
let rm: RewardModel;
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  rm = RewardModel.fromLanguageModel(tinyLM(11), 12);
});
afterAll(() => rm.dispose());

const rows = {
  prompt_id: ['a', 'a', 'b', 'c', 'c'],
  prompt: ['2+2=', '2+2=', 'hi ', 'name? ', 'name? '],
  completion: ['4', 'five', 'there', 'Ada', 'Bob and more text'],
};
const direct = async (texts: string[]) => {
  const ids = texts.map((t) => tok.encode(t));
  const r = tf.tidy(() => rm.rewards(packSequences(ids, ids.map(() => []), { padSide: 'right', padTokenId: tok.padTokenId! })));
  const out = Array.from(await r.data());
  r.dispose();
  return out;
};
const resources = () => ({ rm, tok });
const kind = { kind: 'bradley-terry', model: 'rm', tokenizer: 'tok', batchSize: 2 };

describe('bradley-terry reward kind', () => {
  it('scores prompt + completion with the reward model, in chunks, in row order', async () => {
    const [out] = await scoreAll(kind, testContext(resources()), [textBatch(rows)]);
    const expected = await direct(rows.prompt.map((p, i) => p + rows.completion[i]));
    Array.from(readFloat32(out!, 'reward')).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('uses completion_ids when the batch carries them', async () => {
    const ids = [tok.encode('4'), tok.encode('5'), tok.encode('x'), tok.encode('y'), tok.encode('z')];
    const batch = makeBatch({ ...Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, utf8Vector(v)])), completion_ids: tokenListVector(ids) });
    const [out] = await scoreAll(kind, testContext(resources()), [batch]);
    const expected = await direct(rows.prompt.map((p, i) => p + ['4', '5', 'x', 'y', 'z'][i]));
    Array.from(readFloat32(out!, 'reward')).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('keeps the end of rows longer than maxLength', async () => {
    const long = textBatch({ prompt_id: ['p'], prompt: ['a long prompt that will be cut '], completion: ['the end'] });
    const [out] = await scoreAll({ ...kind, maxLength: 8 }, testContext(resources()), [long]);
    const [expected] = await direct([' the end']); // the last 8 bytes of the row
    expect(readFloat32(out!, 'reward')[0]).toBeCloseTo(expected!, 5);
  });

  it('leaks no tensors over many batches nor when unsubscribed mid-batch', async () => {
    const ctx = testContext(resources());
    await scoreAll(kind, ctx, [textBatch(rows)]); // warm-up (kernels, constants)
    const before = tf.memory().numTensors;
    await scoreAll(kind, ctx, Array.from({ length: 8 }, () => textBatch(rows)));
    expect(tf.memory().numTensors).toBe(before);

    const input = new Subject<Batch>();
    let seen = 0;
    const sub = input.pipe(scoreWithReward.create(scoreWithReward.options.parse({ reward: { ...kind, batchSize: 1 } }), ctx)).subscribe(() => seen++);
    const big = textBatch({ prompt_id: rows.prompt_id.concat(rows.prompt_id), prompt: rows.prompt.concat(rows.prompt), completion: rows.completion.concat(rows.completion) });
    input.next(big);
    await new Promise((r) => setImmediate(r)); // after the first of 10 chunks
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a missing tokenizer resource', async () => {
    await expect(scoreAll(kind, testContext({ rm }), [textBatch(rows)])).rejects.toThrow(/bradley-terry.*no resource named "tok"/);
  });
});

describe('bradley-terry reward kind errors', () => {
  it('names the prompts of a failing forward pass', async () => {
    // A tokenizer whose ids run past the model's 258-token vocabulary.
    const wide = { ...byteTokenizer(), encode: (t: string) => Array.from(t, () => 999), padTokenId: 0, eosTokenId: 0 };
    await expect(scoreAll(kind, testContext({ rm, tok: wide }), [textBatch(rows)])).rejects.toThrow(
      /reward model failed on rows 0–1 \(prompt_id "a", "a"\): token id 999/,
    );
  });
});
