import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './command.js';
import { inspect, type ModelSummary } from './inspect.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const FIXTURES = path.join(ROOT, 'packages/model/fixtures');
const HF_GPT2_TINY = path.resolve(ROOT, '../shared/fixtures/hf-gpt2-tiny');

async function capture(argv: string[]): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  expect(await inspect.run(argv)).toBe(0);
  return lines.join('\n');
}

afterEach(() => vi.restoreAllMocks());

describe('prefstream inspect', () => {
  it('summarizes the toy GPT-2 fixture: parameters counted from the safetensors headers', async () => {
    const s = JSON.parse(await capture([path.join(FIXTURES, 'gpt2'), '--json'])) as ModelSummary;
    // wte 258·32 + wpe 64·32 + ln_f 2·32 + 2 layers × (ln_1 64 + c_attn 32·96+96 + c_proj 32·32+32 + ln_2 64 + c_fc 32·128+128 + mlp.c_proj 128·32+32)
    expect(s.parameters).toBe(258 * 32 + 64 * 32 + 64 + 2 * (64 + 3168 + 1056 + 64 + 4224 + 4128));
    expect(s).toMatchObject({ architecture: 'gpt2', hfClass: 'GPT2LMHeadModel', vocabSize: 258, layers: 2, hiddenSize: 32, heads: 4, tiedEmbeddings: true, dtypes: { F32: 28 }, chatTemplate: true });
    expect(s.tokenizer).toEqual({ kind: 'byte', vocabSize: 258, bosTokenId: null, eosTokenId: 256, padTokenId: 257 });
  });

  it('reports BF16 storage, grouped-query heads and a missing tokenizer', async () => {
    const s = JSON.parse(await capture([path.join(FIXTURES, 'llama-bf16'), '--json'])) as ModelSummary;
    expect(s).toMatchObject({ architecture: 'llama', hfClass: 'LlamaForCausalLM', heads: 4, kvHeads: 2, tiedEmbeddings: false, tokenizer: null, chatTemplate: false });
    expect(Object.keys(s.dtypes)).toEqual(['BF16']);
  });

  it('prints aligned lines for the real GPT-2 checkpoint', async () => {
    const out = await capture([HF_GPT2_TINY]);
    expect(out).toMatch(/^architecture\s+gpt2 \(model_type gpt2, GPT2LMHeadModel\)$/m);
    // wte 50257·2 + wpe 1024·2 + one layer (4 + 12+6 + 4+2 + 4 + 16+8 + 16+2) + ln_f 4
    expect(out).toMatch(/^parameters\s+102,640 in 16 tensors \(head tied to the embeddings\)$/m);
    expect(out).toMatch(/^vocab size\s+50257$/m);
    expect(out).toMatch(/^tokenizer\s+hf, vocab 50257, bos 50256, eos 50256, pad —$/m);
    expect(out).toMatch(/^chat template\s+no$/m);
  });

  it('names a directory that is not a model, and rejects bad arguments', async () => {
    await expect(inspect.run([FIXTURES])).rejects.toThrow(/fixtures\/config\.json: not found/);
    await expect(inspect.run([])).rejects.toThrow(UsageError);
    await expect(inspect.run(['a', 'b'])).rejects.toThrow(/expected one model directory, got 2/);
    await expect(inspect.run(['--verbose', 'a'])).rejects.toThrow(UsageError);
  });
});
