import { afterEach, describe, expect, it } from 'vitest';
import { concat, from, lastValueFrom, NEVER, toArray } from 'rxjs';
import { makeBatch, readFloat32, readStrings, readTokenLists, StageError, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { generateCandidates, GenerateCandidatesOptions } from '../generate-candidates.js';
import { fakeTokenizer } from '../test-support/fake-generator.js';
import { startFakeServer, type Behaviour, type CompletionsBody, type FakeServer } from '../test-support/fake-openai-server.js';
import { testContext } from '../test-support/test-context.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const prompts = (ids: string[]) => makeBatch({ prompt_id: utf8Vector(ids), prompt: utf8Vector(ids.map((id) => `p-${id}`)) });

async function run(behave: (body: CompletionsBody, attempt: number) => Behaviour, engine: Record<string, unknown>, batches: Batch[], stage: Record<string, unknown> = {}) {
  server = await startFakeServer(behave);
  const t = testContext(4, { tokenizer: fakeTokenizer });
  const options = GenerateCandidatesOptions.parse({ n: 3, maxNewTokens: 16, stop: ['\n'], ...stage, engine: { kind: 'openai', baseUrl: server.baseUrl, model: 'sft', backoffMs: 5, maxBackoffMs: 20, ...engine } });
  const out = (await lastValueFrom(from(batches as FlowItem[]).pipe(generateCandidates.create(options, t.ctx), toArray<FlowItem>()))) as Batch[];
  return { ...t, out, server };
}

describe('openai engine', () => {
  it('sends the completions subset and reads texts, log-prob sums and token ids', async () => {
    const { out, server } = await run(() => 'ok', { returnTokenIds: true }, [prompts(['a', 'b'])]);
    const b = out[0]!;
    expect(readStrings(b, 'prompt_id')).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(readStrings(b, 'completion')).toEqual(['p-a#0', 'p-a#1', 'p-a#2', 'p-b#0', 'p-b#1', 'p-b#2']);
    expect(Array.from(readFloat32(b, 'completion_logps'))).toEqual([-0.75, -0.75, -0.75, -0.75, -0.75, -0.75]);
    expect(readTokenLists(b, 'completion_ids').map((r) => Array.from(r))).toEqual([[7, 0], [7, 1], [7, 2], [7, 0], [7, 1], [7, 2]]);
    const body = server.requests.find((r) => r.prompt === 'p-a')!;
    expect(body).toMatchObject({ model: 'sft', n: 3, temperature: 0.7, top_p: 1, max_tokens: 16, logprobs: 1, stop: ['\n'], top_k: 40, return_tokens_as_token_ids: true });
    expect(Number.isInteger(body.seed)).toBe(true);
  });

  it('encodes completions with a tokenizer resource, or writes no ids at all', async () => {
    const withTok = await run(() => 'ok', { tokenizer: 'tokenizer' }, [prompts(['a'])]);
    expect(Array.from(readTokenLists(withTok.out[0]!, 'completion_ids')[0]!)).toEqual([...'p-a#0'].map((c) => c.charCodeAt(0)));
    await server!.close();
    const without = await run(() => 'ok', { sendTopK: false }, [prompts(['a'])]);
    expect(without.out[0]!.getChild('completion_ids')).toBeNull();
    expect(without.server.requests[0]!.top_k).toBeUndefined();
  });

  it('retries 5xx and 429 with backoff, then succeeds, counting retries', async () => {
    const { out, total } = await run((_, attempt) => (attempt === 0 ? { status: 503 } : attempt === 1 ? { status: 429, headers: { 'retry-after': '0' } } : 'ok'), {}, [prompts(['a'])]);
    expect(out[0]!.numRows).toBe(3);
    expect(total('generate/retries')).toBe(2);
    expect(total('generate/requests')).toBe(1);
  });

  it('gives up after maxRetries with an error naming the prompt and the last status and body', async () => {
    const err = await run((b) => (b.prompt === 'p-b' ? { status: 500, body: 'model overloaded' } : 'ok'), { maxRetries: 2 }, [prompts(['a', 'b'])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect(String(err)).toMatch(/batch 0: prompt "b": POST http:\/\/127\.0\.0\.1:\d+\/v1\/completions failed after 3 attempt\(s\); last status 500: model overloaded/);
    expect(server!.requests.filter((r) => r.prompt === 'p-b')).toHaveLength(3);
  });

  it('does not retry a 4xx, and names a malformed body', async () => {
    const bad = await run(() => ({ status: 400, body: 'unknown model' }), {}, [prompts(['a'])]).catch((e: unknown) => e);
    expect(String(bad)).toMatch(/prompt "a": POST .* failed with status 400: unknown model/);
    expect(server!.requests).toHaveLength(1);
    await server!.close();
    const malformed = await run(() => ({ malformed: '{"choices": [' }), {}, [prompts(['z'])]).catch((e: unknown) => e);
    expect(String(malformed)).toMatch(/prompt "z": malformed response \(not JSON\)/);
    await server!.close();
    const wrongN = await run(() => ({ malformed: '{"choices": []}' }), {}, [prompts(['z'])]).catch((e: unknown) => e);
    expect(String(wrongN)).toMatch(/prompt "z": server returned 0 choices, expected n = 3/);
  });

  it('times out slow answers per attempt and retries them', async () => {
    const { out, total } = await run((_, attempt) => (attempt === 0 ? { delayMs: 2_000 } : 'ok'), { timeoutMs: 200 }, [prompts(['a'])]);
    expect(out[0]!.numRows).toBe(3);
    expect(total('generate/retries')).toBe(1);
    const err = await run(() => ({ delayMs: 2_000 }), { timeoutMs: 100, maxRetries: 1 }, [prompts(['a'])]).catch((e: unknown) => e);
    expect(String(err)).toMatch(/prompt "a": .*last timed out after 100 ms/);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { out, server } = await run(() => 'ok', { concurrency: 2 }, [prompts(['a', 'b', 'c', 'd', 'e', 'f'])]);
    expect(out[0]!.numRows).toBe(18);
    expect(server.maxInFlight()).toBe(2);
  });

  it('skips and counts a failing prompt with onError: skip; every other prompt still arrives', async () => {
    const { out, total, logs } = await run((b) => (b.prompt === 'p-b' ? { status: 500 } : 'ok'), { maxRetries: 1 }, [prompts(['a', 'b', 'c'])], { onError: 'skip' });
    expect([...new Set(readStrings(out[0]!, 'prompt_id'))]).toEqual(['a', 'c']);
    expect(total('generate/prompts_failed')).toBe(1);
    expect(logs.some((l) => l.startsWith('error') && l.includes('"b"') && l.includes('status 500'))).toBe(true);
  });

  it('aborts in-flight requests when unsubscribed', async () => {
    server = await startFakeServer(() => ({ delayMs: 5_000 }));
    const t = testContext(1);
    const options = GenerateCandidatesOptions.parse({ n: 1, onError: 'skip', engine: { kind: 'openai', baseUrl: server.baseUrl, model: 'sft' } });
    const received: FlowItem[] = [];
    const subscription = concat(from([prompts(['b', 'c'])] as FlowItem[]), NEVER).pipe(generateCandidates.create(options, t.ctx)).subscribe((b) => received.push(b));
    for (let i = 0; i < 100 && server.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.requests).toHaveLength(2);
    subscription.unsubscribe();
    for (let i = 0; i < 100 && server.aborted() < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.aborted()).toBe(2);
    expect(received).toEqual([]);
    // The aborted prompts are not reported as skipped: nobody is listening any more.
    await new Promise((r) => setTimeout(r, 50));
    expect(t.metrics).toEqual([]);
    expect(t.logs.filter((l) => l.includes('skipped'))).toEqual([]);
  });
});
