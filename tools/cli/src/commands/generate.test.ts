import path from 'node:path';
import { initBackend, tf } from '@prefstream/core';
import { ByteTokenizer, CausalLM } from '@prefstream/model';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from './command.js';
import { generate } from './generate.js';
import { tokenLogprobs } from './logprobs.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const GPT2 = path.join(ROOT, 'packages/model/fixtures/gpt2');

interface Sample {
  sample: number;
  completion: string;
  completionIds: number[];
  finishReason: string;
  logp: number;
}

async function samples(argv: string[]): Promise<Sample[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    expect(await generate.run([...argv, '--json'])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return lines.map((l) => JSON.parse(l) as Sample);
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});
afterEach(() => vi.restoreAllMocks());

describe('prefstream generate', () => {
  it('greedy decoding picks the argmax of the model logits, token by token', async () => {
    const [s] = await samples(['--model', GPT2, '--prompt', 'ab', '--max-new-tokens', '4', '--temperature', '0']);
    expect(s!.completionIds).toHaveLength(4);
    // Re-derive each greedy token with a plain forward pass over prompt + tokens so far.
    const model = await CausalLM.load(GPT2);
    try {
      const ids = new ByteTokenizer().encode('ab');
      for (const next of s!.completionIds) {
        const logits = tf.tidy(() => model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')));
        const row = (await logits.data()).slice((ids.length - 1) * 258, ids.length * 258);
        logits.dispose();
        expect(next).toBe(row.indexOf(Math.max(...row)));
        ids.push(next);
      }
    } finally {
      model.dispose();
    }
    expect(s!.completion).toBe(new ByteTokenizer().decode(s!.completionIds, { skipSpecialTokens: true }));
    expect(s!.finishReason).toBe('length');
  });

  it('samples --n completions reproducibly from --seed', async () => {
    const args = ['--model', GPT2, '--prompt', 'hello', '--max-new-tokens', '6', '--n', '3', '--seed', '7', '--top-k', '20'];
    const first = await samples(args);
    expect(first.map((s) => s.sample)).toEqual([0, 1, 2]);
    for (const s of first) {
      expect(s.completionIds.length).toBeLessThanOrEqual(6);
      expect(s.logp).toBeLessThanOrEqual(0);
    }
    expect(await samples(args)).toEqual(first);
    const other = await samples([...args.slice(0, -4), '--seed', '8', '--top-k', '20']);
    expect(other.map((s) => s.completionIds)).not.toEqual(first.map((s) => s.completionIds));
  });

  it('reports each sample\'s log-prob under the model at temperature 1 (checked by a full forward pass)', async () => {
    const found = await samples(['--model', GPT2, '--prompt', 'The ', '--max-new-tokens', '5', '--n', '2', '--seed', '3']);
    const prompt = new ByteTokenizer().encode('The ');
    const model = await CausalLM.load(GPT2);
    try {
      for (const s of found) {
        const rows = await tokenLogprobs(model, [...prompt, ...s.completionIds], undefined);
        const want = rows.slice(prompt.length).reduce((sum, r) => sum + r.logprob!, 0);
        expect(Math.abs(s.logp - want)).toBeLessThan(1e-4 * s.completionIds.length);
      }
    } finally {
      model.dispose();
    }
  });

  it('prints the prompt and completion as text', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    expect(await generate.run(['--model', GPT2, '--prompt', 'xy', '--max-new-tokens', '3', '--temperature', '0'])).toBe(0);
    expect(lines[0]).toMatch(/^--- sample 0 \(\d tokens, finish (length|eos), logp -?\d+\.\d{4}\) ---$/);
    expect(lines[1]!.startsWith('xy')).toBe(true);
  });

  it('throws UsageError for bad flags', async () => {
    const base = ['--model', GPT2, '--prompt', 'a'];
    await expect(generate.run(['--model', GPT2])).rejects.toThrow(/--prompt <s> is required/);
    await expect(generate.run([...base, '--top-p', '0'])).rejects.toThrow(/--top-p must be a number > 0 and ≤ 1, got "0"/);
    await expect(generate.run([...base, '--n', '0'])).rejects.toThrow(/--n must be an integer ≥ 1, got "0"/);
    await expect(generate.run([...base, '--max-new-tokens', 'many'])).rejects.toThrow(/--max-new-tokens must be an integer/);
    await expect(generate.run([...base, '--temperature', '-1'])).rejects.toThrow(UsageError);
    await expect(generate.run([...base, '--frobnicate'])).rejects.toThrow(UsageError);
    await expect(generate.run(['--model', path.join(ROOT, 'packages/model/fixtures/qwen2'), '--prompt', 'a'])).rejects.toThrow(/has no tokenizer/);
  });
});
