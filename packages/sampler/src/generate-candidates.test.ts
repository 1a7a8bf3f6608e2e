import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, lastValueFrom, NEVER, concat, toArray } from 'rxjs';
import { ConfigError, makeBatch, readFloat32, readStrings, readTokenLists, StageError, tokenListVector, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { generateCandidates, GenerateCandidatesOptions } from './generate-candidates.js';
import { FakeGenerator, fakeTokenizer, TOKEN_LOGP } from './test-support/fake-generator.js';
import { testContext } from './test-support/test-context.js';

function prompts(ids: string[], texts = ids.map((id) => `p-${id}`), withIds = false): Batch {
  return makeBatch({
    prompt_id: utf8Vector(ids),
    prompt: utf8Vector(texts),
    ...(withIds ? { prompt_ids: tokenListVector(texts.map((t) => [...t].map((c) => c.charCodeAt(0) + 1000))) } : {}),
  });
}

async function run(options: unknown, batches: Batch[], generator = new FakeGenerator(), seed = 3) {
  const t = testContext(seed, { policy: generator, tokenizer: fakeTokenizer });
  const op = generateCandidates.create(GenerateCandidatesOptions.parse(options), t.ctx);
  const out = (await lastValueFrom(from(batches as FlowItem[]).pipe(op, toArray<FlowItem>()))) as Batch[];
  return { ...t, out, generator };
}

describe('generateCandidates stage (local engine)', () => {
  it('has RSO defaults and declares its columns', () => {
    const o = GenerateCandidatesOptions.parse({});
    expect(o).toMatchObject({ n: 64, temperature: 0.7, topK: 40, topP: 1, onError: 'fail', engine: { kind: 'local', model: 'policy', tokenizer: 'tokenizer' } });
    expect(generateCandidates.requires(o)).toEqual(['prompt_id', 'prompt']);
    expect(generateCandidates.produces(o)).toEqual(['completion', 'completion_ids', 'completion_logps']);
    const noIds = GenerateCandidatesOptions.parse({ engine: { kind: 'openai', baseUrl: 'http://127.0.0.1:1', model: 'm' } });
    expect(generateCandidates.produces(noIds)).toEqual(['completion', 'completion_logps']);
    expect(() => GenerateCandidatesOptions.parse({ engine: { kind: 'vllm' } })).toThrow();
  });

  it('emits n rows per prompt with every input column, ids and summed log-probs', async () => {
    const { out, generator, total } = await run({ n: 4, maxNewTokens: 3 }, [prompts(['a', 'b'])]);
    expect(out).toHaveLength(1);
    const b = out[0]!;
    expect(b.schema.fields.map((f) => f.name)).toEqual(['prompt_id', 'prompt', 'completion', 'completion_logps', 'completion_ids']);
    expect(readStrings(b, 'prompt_id')).toEqual(['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
    const ids = readTokenLists(b, 'completion_ids');
    const logps = readFloat32(b, 'completion_logps');
    readStrings(b, 'completion').forEach((c, i) => {
      expect(String.fromCharCode(...ids[i]!)).toBe(c);
      expect(logps[i]).toBeCloseTo(TOKEN_LOGP * c.length, 6);
    });
    // The tokenizer encodes the prompt text; sampling options are passed through.
    expect(generator.calls[0]!.prompts).toEqual([[...'p-a'].map((c) => c.charCodeAt(0))]);
    expect(generator.calls[0]!.options).toMatchObject({ n: 4, maxNewTokens: 3, temperature: 0.7, topK: 40, topP: 1 });
    expect(total('generate/candidates')).toBe(8);
  });

  it('uses prompt_ids when present, and seeds each prompt independently of batching', async () => {
    const whole = await run({ n: 3 }, [prompts(['a', 'b'], undefined, true)]);
    expect(whole.generator.calls[0]!.prompts[0]![0]).toBe('p'.charCodeAt(0) + 1000);
    const split = await run({ n: 3 }, [prompts(['b'], ['p-b'], true), prompts(['a'], ['p-a'], true)]);
    const texts = (bs: Batch[]) => bs.flatMap((b) => readStrings(b, 'prompt_id').map((id, i) => `${id}:${readStrings(b, 'completion')[i]}`)).sort();
    expect(texts(split.out)).toEqual(texts(whole.out));
    const seeds = whole.generator.calls.map((c) => c.options.seed);
    expect(new Set(seeds).size).toBe(2);
  });

  it('fails with the stage, batch and prompt, or skips and counts with onError: skip', async () => {
    const err = await run({ n: 2 }, [prompts(['ok1']), prompts(['x', 'y'], ['fine', 'boom'])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect(String(err)).toMatch(/generateCandidates, batch 1: .*generator exploded/);
    const skipped = await run({ n: 2, onError: 'skip' }, [prompts(['x', 'y'], ['fine', 'boom'])]);
    expect(readStrings(skipped.out[0]!, 'prompt_id')).toEqual(['x', 'x']);
    expect(skipped.total('generate/prompts_failed')).toBe(1);
    expect(skipped.logs.some((l) => l.includes('skipped prompt "y"') && l.includes('exploded'))).toBe(true);
  });

  it('rejects a missing model resource at creation and duplicate prompt ids per batch', async () => {
    expect(() => generateCandidates.create(GenerateCandidatesOptions.parse({ engine: { kind: 'local', model: 'nope' } }), testContext().ctx)).toThrow(ConfigError);
    const dup = await run({ n: 1 }, [prompts(['a', 'a'])]).catch((e: unknown) => e);
    expect(String(dup)).toMatch(/prompt "a" appears more than once/);
  });

  it('stops cleanly when unsubscribed during generation', async () => {
    const t = testContext(1, { policy: new FakeGenerator(), tokenizer: fakeTokenizer });
    const op = generateCandidates.create(GenerateCandidatesOptions.parse({ n: 2 }), t.ctx);
    const first = await firstValueFrom(concat(from([prompts(['a'])]), NEVER).pipe(op));
    expect((first as Batch).numRows).toBe(2);
  });
});
