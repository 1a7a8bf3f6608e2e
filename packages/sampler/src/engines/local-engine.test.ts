import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, firstValueFrom, from, lastValueFrom, NEVER, toArray } from 'rxjs';
import { initBackend, makeBatch, readFloat32, readStrings, readTokenLists, tf, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import type { CausalLM } from '@prefstream/model';
import { generateCandidates, GenerateCandidatesOptions } from '../generate-candidates.js';
import { testContext } from '../test-support/test-context.js';
import { tinyModel, tinyTokenizer } from '../test-support/tiny-model.js';

const prompts = (ids: string[]) => makeBatch({ prompt_id: utf8Vector(ids), prompt: utf8Vector(ids.map((id) => `the ${id} `)) });
const options = GenerateCandidatesOptions.parse({ n: 4, maxNewTokens: 5, temperature: 1, topK: 0 });

describe('local engine with a real tiny CausalLM', () => {
  let model: CausalLM;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', log: () => {} });
    model = tinyModel(1);
  });
  afterAll(() => model.dispose());

  const ctx = () => testContext(2, { policy: model, tokenizer: tinyTokenizer() });

  it('samples n decoded candidates per prompt whose completion_logps re-score under the model', async () => {
    const out = (await lastValueFrom(from([prompts(['cat', 'dog'])] as FlowItem[]).pipe(generateCandidates.create(options, ctx().ctx), toArray<FlowItem>()))) as Batch[];
    const b = out[0]!;
    expect(b.numRows).toBe(8);
    const tokenizer = tinyTokenizer();
    const ids = readTokenLists(b, 'completion_ids');
    const texts = readStrings(b, 'completion');
    ids.forEach((row, i) => expect(tokenizer.decode(Array.from(row), { skipSpecialTokens: true })).toBe(texts[i]));
    // At temperature 1 without top-k/top-p the sampling distribution is the model: Σ log-probs
    // must equal the model's own sequence log-prob of the completion.
    const logps = readFloat32(b, 'completion_logps');
    const promptIds = tokenizer.encode('the cat ');
    const rescored = tf.tidy(() => {
      const row = [...promptIds, ...Array.from(ids[0]!)];
      const logits = model.forward(tf.tensor2d([row], [1, row.length], 'int32')); // (1, T, V)
      const lp = tf.logSoftmax(logits).arraySync() as number[][][];
      let sum = 0;
      for (let t = promptIds.length; t < row.length; t++) sum += lp[0]![t - 1]![row[t]!]!;
      return sum;
    });
    expect(logps[0]).toBeCloseTo(rescored, 3);
  });

  it('does not leak tensors over batches or on early unsubscribe', async () => {
    const op = () => generateCandidates.create(options, ctx().ctx);
    await lastValueFrom(from([prompts(['warm'])] as FlowItem[]).pipe(op()));
    const before = tf.memory().numTensors;
    await lastValueFrom(from([prompts(['a', 'b']), prompts(['c'])] as FlowItem[]).pipe(op(), toArray<FlowItem>()));
    expect(tf.memory().numTensors).toBe(before);
    await firstValueFrom(concat(from([prompts(['d'])] as FlowItem[]), NEVER).pipe(op()));
    expect(tf.memory().numTensors).toBe(before);
  });
});
