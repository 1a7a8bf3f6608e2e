import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { from, lastValueFrom } from 'rxjs';
import { createRng, makeBatch, readFloat32, utf8Vector, type Batch } from '@prefstream/core';
import { ByteTokenizer, type Generation, type TextGenerator } from '@prefstream/model';
import { scoreWithReward } from '@prefstream/reward';
import { startServer, type RunningServer } from './start-server.js';

/**
 * The reward package's remote judge talking to this server: the request and response shapes of
 * both halves agree. The generator answers with the number of characters after "Response: ".
 */
const tokenizer = new ByteTokenizer({ chatTemplate: '{% for m in messages %}{{ m.content }}{% endfor %}' });
const judge: TextGenerator = {
  async generate(prompts) {
    return prompts.map((ids, i): Generation => {
      const text = tokenizer.decode(ids);
      const answer = String(text.slice(text.lastIndexOf('Response: ') + 10).length);
      return { promptIndex: i, sampleIndex: 0, completionIds: tokenizer.encode(answer), completion: answer, tokenLogps: [-0.1], finishReason: 'eos' };
    });
  },
};

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ model: judge, tokenizer, port: 0, modelName: 'judge' });
});
afterAll(() => server.close());

describe('prefstream serve as a remote judge', () => {
  it('scores a batch through /v1/chat/completions', async () => {
    const ctx = {
      rng: createRng(0),
      log: { info: () => {}, warn: () => {}, error: () => {} },
      metrics: { record: () => {} },
      resources: new Map<string, unknown>(),
    };
    const batch = makeBatch({ prompt_id: utf8Vector(['a', 'b']), prompt: utf8Vector(['x', 'y']), completion: utf8Vector(['four', 'sevennn']) });
    const options = scoreWithReward.options.parse({ reward: { kind: 'remote-judge', baseUrl: `${server.url}/v1`, model: 'judge', retries: 0 } });
    const out = (await lastValueFrom(from([batch]).pipe(scoreWithReward.create(options, ctx)))) as Batch;
    expect(Array.from(readFloat32(out, 'reward'))).toEqual([4, 7]);
  });
});
