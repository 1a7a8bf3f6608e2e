import path from 'node:path';
import { initBackend, tf } from '@prefstream/core';
import { CausalLM } from '@prefstream/model';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from './command.js';
import { logprobs, tokenLogprobs, type TokenLogprob } from './logprobs.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const FIXTURES = path.join(ROOT, 'packages/model/fixtures');
const GPT2 = path.join(FIXTURES, 'gpt2');

interface Expected {
  batches: { input_ids: number[][]; attention_mask: number[][]; logits: (number[] | null)[][] }[];
}

/** Runs the command, returning what it printed with console.log. */
async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    const code = await logprobs.run(argv);
    return { code, out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

/** log softmax(logits)[id], in float64. */
function logSoftmaxAt(logits: number[], id: number): number {
  const max = Math.max(...logits);
  return logits[id]! - max - Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});
afterEach(() => vi.restoreAllMocks());

describe('prefstream logprobs', () => {
  it('matches the log-softmax of the PyTorch reference logits, and the sum is the sum of the rows', async () => {
    const expected = (await import(path.join(FIXTURES, 'gpt2.expected.json'), { with: { type: 'json' } })).default as Expected;
    const batch = expected.batches[0]!; // right-padded; row 0 has no padding
    const ids = batch.input_ids[0]!;
    expect(batch.attention_mask[0]!.every((m) => m === 1)).toBe(true);
    const { code, out } = await capture(['--model', GPT2, '--ids', ids.join(','), '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { tokens: TokenLogprob[]; sum: number };
    expect(result.tokens.map((r) => r.id)).toEqual(ids);
    expect(result.tokens[0]!.logprob).toBeNull();
    let reference = 0;
    for (let t = 1; t < ids.length; t++) {
      const want = logSoftmaxAt(batch.logits[0]![t - 1]!, ids[t]!);
      reference += want;
      expect(Math.abs(result.tokens[t]!.logprob! - want)).toBeLessThan(1e-4);
    }
    const rowSum = result.tokens.reduce((s, r) => s + (r.logprob ?? 0), 0);
    expect(result.sum).toBeCloseTo(rowSum, 9);
    expect(Math.abs(result.sum - reference)).toBeLessThan(1e-3);
    expect(result.sum).toBeLessThan(0);
  });

  it('tokenLogprobs disposes every tensor it creates', async () => {
    const model = await CausalLM.load(GPT2);
    try {
      const before = tf.memory().numTensors;
      const rows = await tokenLogprobs(model, [104, 105, 33], undefined);
      expect(rows.map((r) => r.token)).toEqual([null, null, null]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });

  it('encodes --text with the directory tokenizer and prints a table', async () => {
    const { code, out } = await capture(['--model', GPT2, '--text', 'hé!']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    // "hé!" is 4 UTF-8 bytes: h, 0xC3, 0xA9, !
    expect(lines).toHaveLength(1 + 4 + 1);
    expect(lines[1]).toMatch(/^\s+0\s+104\s+"h"\s+null$/);
    expect(lines[4]).toMatch(/^\s+3\s+33\s+"!"\s+-\d+\.\d{6}$/);
    const values = lines.slice(2, 5).map((l) => Number(l.trim().split(/\s+/).at(-1)));
    const sum = Number(/^sum (-?\d+\.\d+) over 3 predicted tokens$/.exec(lines[5]!)![1]);
    expect(sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 5);
  });

  it('throws UsageError for bad flags', async () => {
    await expect(logprobs.run(['--model', GPT2])).rejects.toThrow(UsageError);
    await expect(logprobs.run(['--model', GPT2, '--text', 'a', '--ids', '1'])).rejects.toThrow(/exactly one of --text or --ids/);
    await expect(logprobs.run(['--model', GPT2, '--ids', '1,x'])).rejects.toThrow(/--ids: item 2 \("x"\)/);
    await expect(logprobs.run(['--model', GPT2, '--ids', '1', '--bogus'])).rejects.toThrow(UsageError);
    await expect(logprobs.run(['--ids', '1'])).rejects.toThrow(/--model <dir> is required/);
    await expect(logprobs.run(['--model', GPT2, '--ids', '1,258'])).rejects.toThrow(/token id 258 is outside the model's vocabulary \[0, 258\)/);
    await expect(logprobs.run(['--model', path.join(FIXTURES, 'llama-gqa'), '--text', 'a'])).rejects.toThrow(/has no tokenizer.*pass --ids/);
  });
});
