import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '@prefstream/core';
import { ByteTokenizer, CausalLM, loadTokenizer, parseModelConfig, saveTokenizer, type Generation, type TextGenerator, type Tokenizer } from '@prefstream/model';
import { startServer, type RunningServer } from './start-server.js';

const CHAT_TEMPLATE = "{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}";

let dir = '';
let lm: CausalLM;
let tokenizer: Tokenizer;
let server: RunningServer;
let plain: RunningServer; // same model, tokenizer without a chat template

/** A tiny random GPT-2 saved with CausalLM.save and a ByteTokenizer, then loaded back as `serve` does. */
beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'serve-'));
  const config = parseModelConfig({ model_type: 'gpt2', vocab_size: 258, n_embd: 16, n_layer: 1, n_head: 2, n_positions: 48, eos_token_id: 256 }, 'test');
  const random = CausalLM.random(config, 3);
  await random.save(dir);
  random.dispose();
  await saveTokenizer(new ByteTokenizer({ chatTemplate: CHAT_TEMPLATE }), dir);
  tokenizer = await loadTokenizer(dir);
  lm = await CausalLM.load(dir, { tokenizer });
  server = await startServer({ model: lm, tokenizer, port: 0, modelName: 'tiny', contextLength: lm.config.maxPositions });
  plain = await startServer({ model: lm, tokenizer: new ByteTokenizer(), port: 0 });
});
afterAll(async () => {
  await server?.close();
  await plain?.close();
  lm?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function post(url: string, route: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('prefstream serve: startServer', () => {
  it('lists the model', async () => {
    const res = await fetch(`${server.url}/v1/models`);
    expect(res.status).toBe(200);
    const json = (await res.json()) as any;
    expect(json.object).toBe('list');
    expect(json.data[0]).toMatchObject({ id: 'tiny', object: 'model' });
  });

  it('completes a prompt with token log-probs and usage', async () => {
    const { status, json } = await post(server.url, '/v1/completions', { model: 'tiny', prompt: 'Hello', max_tokens: 6, seed: 11, logprobs: 0 });
    expect(status).toBe(200);
    expect(json.object).toBe('text_completion');
    const choice = json.choices[0];
    expect(typeof choice.text).toBe('string');
    expect(['stop', 'length']).toContain(choice.finish_reason);
    const n = choice.logprobs.tokens.length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(6);
    expect(choice.logprobs.token_logprobs).toHaveLength(n);
    for (const lp of choice.logprobs.token_logprobs) expect(lp).toBeLessThanOrEqual(0);
    expect(json.usage).toEqual({ prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n });
  });

  it('same seed ⇒ same completion; n samples per prompt are indexed prompt·n + sample', async () => {
    const body = { prompt: ['ab', 'xyz'], n: 2, max_tokens: 8, temperature: 1, top_k: 50, seed: 123 };
    const a = await post(server.url, '/v1/completions', body);
    const b = await post(server.url, '/v1/completions', body);
    expect(a.status).toBe(200);
    expect(a.json.choices.map((c: any) => c.index)).toEqual([0, 1, 2, 3]);
    expect(b.json.choices.map((c: any) => c.text)).toEqual(a.json.choices.map((c: any) => c.text));
    const c = await post(server.url, '/v1/completions', { ...body, seed: 124 });
    expect(c.json.choices.map((x: any) => x.text)).not.toEqual(a.json.choices.map((x: any) => x.text));
  });

  it('answers bad JSON with a 400 in OpenAI’s error shape', async () => {
    const { status, json } = await post(server.url, '/v1/completions', '{"prompt": "hi",');
    expect(status).toBe(400);
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message).toMatch(/request body is not valid JSON/);
  });

  it('names the bad field, refuses streaming and over-long requests', async () => {
    const bad = await post(server.url, '/v1/completions', { prompt: 'hi', temperature: 'hot' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('temperature');
    const missing = await post(server.url, '/v1/completions', { max_tokens: 3 });
    expect(missing.json.error.param).toBe('prompt');
    const stream = await post(server.url, '/v1/completions', { prompt: 'hi', stream: true });
    expect(stream.json.error.message).toMatch(/stream: true is not supported/);
    const long = await post(server.url, '/v1/completions', { prompt: 'x'.repeat(40), max_tokens: 16 });
    expect(long.status).toBe(400);
    expect(long.json.error.code).toBe('context_length_exceeded');
    expect(long.json.error.message).toMatch(/maximum context length is 48 tokens; prompt 0 has 40 tokens/);
  });

  it('404 for unknown routes, 405 for wrong methods', async () => {
    expect((await fetch(`${server.url}/v1/embeddings`, { method: 'POST' })).status).toBe(404);
    const wrong = await fetch(`${server.url}/v1/completions`);
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as any).error.message).toMatch(/use POST/);
  });

  it('chat renders messages with the chat template; a model without one gets a 400', async () => {
    const body = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], max_tokens: 5, seed: 3, logprobs: true };
    const { status, json } = await post(server.url, '/v1/chat/completions', body);
    expect(status).toBe(200);
    expect(json.object).toBe('chat.completion');
    expect(json.choices[0].message.role).toBe('assistant');
    // "<system>Be brief.\n" (18) + "<user>Hi\n" (9) + "<assistant>" (11) = 38 bytes.
    expect(json.usage.prompt_tokens).toBe(38);
    expect(json.choices[0].logprobs.content).toHaveLength(json.usage.completion_tokens);
    const none = await post(plain.url, '/v1/chat/completions', body);
    expect(none.status).toBe(400);
    expect(none.json.error.message).toMatch(/has no chat template/);
  });
});

describe('startServer queue', () => {
  /** A generator that records concurrency and waits until released. */
  function gatedGenerator() {
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const generator: TextGenerator = {
      async generate(prompts, options) {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return prompts.map((_, i): Generation => ({ promptIndex: i, sampleIndex: 0, completionIds: [104], completion: `seed ${options.seed}`, tokenLogps: [-1], finishReason: 'length' }));
      },
    };
    return { generator, gates, peak: () => peak };
  }

  it('runs one generation at a time and refuses beyond the bound with 429', async () => {
    const gated = gatedGenerator();
    const s = await startServer({ model: gated.generator, tokenizer: new ByteTokenizer(), port: 0, maxQueue: 2 });
    try {
      const first = post(s.url, '/v1/completions', { prompt: 'a', seed: 1 });
      const second = post(s.url, '/v1/completions', { prompt: 'b', seed: 2 });
      while (gated.gates.length < 1) await new Promise((r) => setTimeout(r, 5));
      const third = await post(s.url, '/v1/completions', { prompt: 'c', seed: 3 });
      expect(third.status).toBe(429);
      expect(third.json.error.code).toBe('queue_full');
      gated.gates.shift()!();
      while (gated.gates.length < 1) await new Promise((r) => setTimeout(r, 5));
      gated.gates.shift()!();
      expect((await first).json.choices[0].text).toBe('seed 1');
      expect((await second).json.choices[0].text).toBe('seed 2');
      expect(gated.peak()).toBe(1);
    } finally {
      await s.close();
    }
  });
});
