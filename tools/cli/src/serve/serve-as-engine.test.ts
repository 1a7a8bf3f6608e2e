import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createRng, initBackend, makeBatch, readFloat32, readStrings, readTokenLists, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { ByteTokenizer, CausalLM, computeLogps, loadTokenizer, packSequences, parseModelConfig, saveTokenizer, type Tokenizer } from '@prefstream/model';
import { generateCandidates } from '@prefstream/sampler';
import { startServer, type RunningServer } from './start-server.js';

/**
 * The sampler's `openai` engine against a real `prefstream serve` on loopback: the request and
 * response shapes of both halves agree, every prompt yields its n candidates, and the log-probs
 * that travel over HTTP are the model's own.
 */
let dir = '';
let lm: CausalLM;
let tokenizer: Tokenizer;
let server: RunningServer;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  dir = await mkdtemp(path.join(tmpdir(), 'serve-engine-'));
  // eos 999 is outside the vocabulary: generation always runs to max_tokens.
  const config = parseModelConfig({ model_type: 'gpt2', vocab_size: 258, n_embd: 16, n_layer: 1, n_head: 2, n_positions: 48, eos_token_id: 999 }, 'test');
  const random = CausalLM.random(config, 5);
  await random.save(dir);
  random.dispose();
  await saveTokenizer(new ByteTokenizer(), dir);
  tokenizer = await loadTokenizer(dir);
  lm = await CausalLM.load(dir, { tokenizer });
  server = await startServer({ model: lm, tokenizer, port: 0, modelName: 'tiny', contextLength: lm.config.maxPositions });
});
afterAll(async () => {
  await server?.close();
  lm?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function sample(seed: number): Promise<Batch[]> {
  const ctx = {
    rng: createRng(seed),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    metrics: { record: () => {} },
    resources: new Map<string, unknown>([['tokenizer', tokenizer]]),
  };
  const options = generateCandidates.options.parse({
    n: 3, maxNewTokens: 4, temperature: 1, topK: 0, topP: 1,
    engine: { kind: 'openai', baseUrl: server.url, model: 'tiny', returnTokenIds: true, maxRetries: 0 },
  });
  const prompts = makeBatch({ prompt_id: utf8Vector(['p0', 'p1']), prompt: utf8Vector(['ab', 'hello']) });
  const out = await lastValueFrom(from<FlowItem[]>([prompts]).pipe(generateCandidates.create(options, ctx), toArray()));
  return out as Batch[];
}

describe('prefstream serve as the openai engine of generateCandidates', () => {
  it('yields n candidates per prompt with the model\'s own log-probs', async () => {
    const [out] = await sample(1);
    expect(readStrings(out!, 'prompt_id')).toEqual(['p0', 'p0', 'p0', 'p1', 'p1', 'p1']);
    const completions = readStrings(out!, 'completion');
    const ids = readTokenLists(out!, 'completion_ids').map((r) => Array.from(r));
    // Ids come back exactly (return_tokens_as_token_ids); the text is their decoding.
    ids.forEach((row, i) => expect(tokenizer.decode(row)).toBe(completions[i]));
    ids.forEach((row) => expect(row).toHaveLength(4));

    // At temperature 1 without truncation the sampling distribution is the model: re-score locally.
    const prompts = readStrings(out!, 'prompt').map((p) => tokenizer.encode(p));
    const rescored = await computeLogps(lm, packSequences(prompts, ids, { padSide: 'right', padTokenId: 0 }));
    const logps = readFloat32(out!, 'completion_logps');
    logps.forEach((lp, i) => expect(lp).toBeCloseTo(rescored.logps[i]!, 3));
  });

  it('is reproducible for a seed', async () => {
    const [a] = await sample(7);
    const [b] = await sample(7);
    expect(readStrings(a!, 'completion')).toEqual(readStrings(b!, 'completion'));
  });
});
