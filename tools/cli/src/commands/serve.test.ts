import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ByteTokenizer, CausalLM, parseModelConfig, saveTokenizer } from '@prefstream/model';
import { UsageError } from './command.js';
import { serve, serveModel, serveSettings } from './serve.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'serve-cmd-'));
  const lm = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 258, n_embd: 8, n_layer: 1, n_head: 1, n_positions: 32 }, 'test'), 1);
  await lm.save(dir);
  lm.dispose();
  await saveTokenizer(new ByteTokenizer(), dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('prefstream serve', () => {
  it('reads flags with defaults, and the directory as a positional', () => {
    expect(serveSettings(['--model', '/m/tiny'])).toEqual({ dir: '/m/tiny', port: 8000, host: '127.0.0.1', name: 'tiny', maxQueue: 16, maxTokens: 2048 });
    expect(serveSettings(['/m/tiny', '--port', '0', '--name', 'x']).port).toBe(0);
  });

  it('rejects bad flags with a usage error', () => {
    expect(() => serveSettings([])).toThrow(/missing --model/);
    expect(() => serveSettings(['--model', 'm', '--port', '70000'])).toThrow(/--port must be an integer from 0 to 65535, got "70000"/);
    expect(() => serveSettings(['--model', 'm', '--verbose'])).toThrow(UsageError);
    expect(() => serveSettings(['a', 'b'])).toThrow(/one model directory/);
    expect(serve.usage).toContain('prefstream serve');
  });

  it('serves a saved checkpoint until closed', async () => {
    const server = await serveModel({ ...serveSettings([dir, '--port', '0']) });
    try {
      const res = await fetch(`${server.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'hi', max_tokens: 3, seed: 1 }) });
      expect(res.status).toBe(200);
      const json = (await res.json()) as { model: string; choices: { text: string }[] };
      expect(json.model).toBe(path.basename(dir));
      expect(json.choices).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
