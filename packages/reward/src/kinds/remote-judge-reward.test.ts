import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFloat32 } from '@prefstream/core';
import { scoreAll, testContext, textBatch } from '../test-support/context.js';

/**
 * A fake OpenAI-compatible judge on 127.0.0.1. Score mode answers the completion's length; the
 * completion "flaky" fails with HTTP 500 on its first request; "chatty" gets prose, never a number.
 * Compare mode prefers the longer response, and always "A" for prompt "biased".
 */
let server: Server;
let baseUrl = '';
const seen = { requests: 0, flaky: 0, bodies: [] as Record<string, unknown>[], inFlight: 0, peak: 0 };

function answer(content: string): { status: number; text?: string } {
  const compare = /Response A: (.*)\n\nResponse B: (.*)$/s.exec(content);
  if (compare) {
    if (content.includes('Prompt: biased')) return { status: 200, text: 'A' };
    return { status: 200, text: compare[1]!.length >= compare[2]!.length ? 'A' : ' B\n' };
  }
  const completion = /Response: (.*)$/s.exec(content)![1]!;
  if (completion === 'flaky' && seen.flaky++ === 0) return { status: 500 };
  if (completion === 'chatty') return { status: 200, text: 'I would rate this a 7 out of 10.' };
  return { status: 200, text: String(completion.length) };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.requests++;
      seen.peak = Math.max(seen.peak, ++seen.inFlight);
      const body = JSON.parse(raw) as { messages: { content: string }[] } & Record<string, unknown>;
      seen.bodies.push(body);
      const a = answer(body.messages[0]!.content);
      // Answer a little later so concurrent requests overlap.
      setTimeout(() => {
        seen.inFlight--;
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.status === 200 ? JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: a.text } }] }) : '{"error":{"message":"overloaded"}}');
      }, 25);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const judge = (extra: Record<string, unknown> = {}) => ({ kind: 'remote-judge', baseUrl, model: 'fake-judge', backoffMs: 1, ...extra });

describe('remote-judge reward kind', () => {
  it('scores with the strict number format and retries a 500', async () => {
    const ctx = testContext();
    const rows = textBatch({ prompt_id: ['a', 'b', 'c'], prompt: ['x', 'x', 'y'], completion: ['hey', 'flaky', 'abcdefg'] });
    const [out] = await scoreAll(judge(), ctx, [rows]);
    expect(Array.from(readFloat32(out!, 'reward'))).toEqual([3, 5, 7]);
    expect(seen.flaky).toBe(2); // failed once, answered on the retry
    expect(ctx.recorded.values[0]!['judge/retries']).toBe(1);
    expect(seen.bodies[0]).toMatchObject({ model: 'fake-judge', temperature: 0, max_tokens: 8 });
  });

  it('rejects a malformed answer naming the prompt_id and quoting the answer', async () => {
    const rows = textBatch({ prompt_id: ['ok', 'talkative'], prompt: ['x', 'x'], completion: ['fine', 'chatty'] });
    const before = seen.requests;
    await expect(scoreAll(judge({ retries: 1 }), testContext(), [rows])).rejects.toThrow(
      /remote judge failed for prompt_id "talkative" \(row 1\): malformed judge answer "I would rate this a 7 out of 10\.": expected only a number from 1 to 10 \(gave up after 2 attempts\)/,
    );
    expect(seen.requests - before).toBe(3); // 1 for "fine", 2 attempts for "chatty"
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const n = 9;
    const rows = textBatch({ prompt_id: Array.from({ length: n }, (_, i) => `c${i}`), prompt: Array(n).fill('x'), completion: Array.from({ length: n }, (_, i) => 'z'.repeat(i + 1)) });
    seen.peak = 0;
    const [out] = await scoreAll(judge({ concurrency: 3 }), testContext(), [rows]);
    expect(Array.from(readFloat32(out!, 'reward'))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(seen.peak).toBeLessThanOrEqual(3);
    expect(seen.peak).toBeGreaterThanOrEqual(2); // requests did overlap
  });

  it('rejects a score outside the range', async () => {
    const rows = textBatch({ prompt_id: ['long'], prompt: ['x'], completion: ['a'.repeat(11)] });
    await expect(scoreAll(judge({ retries: 0 }), testContext(), [rows])).rejects.toThrow(/prompt_id "long".*judge score 11 is outside \[1, 10\]/);
  });

  it('names the prompt when the server is unreachable or times out', async () => {
    const rows = textBatch({ prompt_id: ['p9'], prompt: ['x'], completion: ['a'] });
    await expect(scoreAll(judge({ baseUrl: 'http://127.0.0.1:9/v1', retries: 1 }), testContext(), [rows])).rejects.toThrow(
      /prompt_id "p9" \(row 0\): POST http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions: .*gave up after 2 attempts/,
    );
    const silent = createServer(() => {}); // accepts and never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    try {
      await expect(scoreAll(judge({ baseUrl: url, retries: 0, timeoutMs: 50 }), testContext(), [rows])).rejects.toThrow(/prompt_id "p9".*timed out after 50 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('compares against the baseline in both orders (RSO Eq. 7 on hard verdicts)', async () => {
    const ctx = testContext();
    const rows = textBatch({
      prompt_id: ['p', 'p', 'p', 'q', 'q'],
      prompt: ['x', 'x', 'x', 'biased', 'biased'],
      completion: ['mid', 'longest', 'a', 'base', 'other'],
    });
    const [out] = await scoreAll(judge({ mode: 'compare', epsilon: 0.01 }), ctx, [rows]);
    const r = Array.from(readFloat32(out!, 'reward'));
    const top = Math.log(99); // logit(1 − 0.01)
    // 'longest' beats 'mid' in both orders → P_sym 1; 'a' loses both → 0; 'biased' judge says A
    // whatever the order → P_sym ½ → 0 and counts as inconsistent.
    [0, top, -top, 0, 0].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 5));
    expect(ctx.recorded.values[0]!['reward/position_consistency']).toBeCloseTo(2 / 3, 12);
  });

  it('validates options: range, template placeholders, api key variable', async () => {
    await expect(scoreAll(judge({ minScore: 5, maxScore: 5 }), testContext(), [])).rejects.toThrow(/minScore must be below maxScore/);
    await expect(scoreAll(judge({ mode: 'compare', template: 'Prompt: {prompt}' }), testContext(), [])).rejects.toThrow(/template must contain/);
    await expect(scoreAll(judge({ apiKeyEnv: 'PREFSTREAM_TEST_UNSET_KEY' }), testContext(), [])).rejects.toThrow(/PREFSTREAM_TEST_UNSET_KEY \(apiKeyEnv\) is not set/);
  });
});
