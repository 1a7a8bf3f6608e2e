import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { float32Vector, makeBatch, readTokenLists, utf8Vector, type Batch } from '@prefstream/core';
import { ByteTokenizer } from '@prefstream/model';
import { testContext } from '../../test-support/test-context.js';
import { tokenize, TokenizeOptions } from './tokenize.js';

const tokenizer = new ByteTokenizer(); // bytes 0–255, eos 256, pad 257
const rows = makeBatch({ prompt: utf8Vector(['ab', 'c']), chosen: utf8Vector(['x', 'yz']), rejected: utf8Vector(['', 'w']), condition: utf8Vector(['G', 'H']), weight: float32Vector([1, 2]) });
const run = async (options: object): Promise<Batch> =>
  (await lastValueFrom(of<Batch>(rows).pipe(tokenize.create(TokenizeOptions.parse(options), testContext({ tokenizer })), toArray())))[0] as Batch;
const lists = (b: Batch, name: string) => readTokenLists(b, name).map((l) => Array.from(l));

describe('tokenize', () => {
  it('encodes prompts as they are and completions with EOS appended', async () => {
    const out = await run({});
    expect(lists(out, 'prompt_ids')).toEqual([[97, 98], [99]]);
    expect(lists(out, 'chosen_ids')).toEqual([[120, 256], [121, 122, 256]]);
    expect(lists(out, 'rejected_ids')).toEqual([[256], [119, 256]]);
  });

  it('prefixes the condition (C-RLFT) and truncates prompts from the left, completions from the right', async () => {
    const out = await run({ completions: ['chosen'], condition: 'condition', maxPromptTokens: 2, maxCompletionTokens: 1 });
    expect(lists(out, 'prompt_ids')).toEqual([[97, 98], [32, 99]]); // "G ab" → last 2; "H c" → " c"
    expect(lists(out, 'chosen_ids')).toEqual([[120], [121]]);
  });

  it('declares what it needs and makes, and names a missing tokenizer resource', () => {
    const o = TokenizeOptions.parse({ completions: ['completion'], condition: 'condition' });
    expect(tokenize.requires(o)).toEqual(['prompt', 'completion', 'condition']);
    expect(tokenize.produces(o)).toEqual(['prompt_ids', 'completion_ids']);
    expect(() => tokenize.create(o, testContext({}))).toThrow(/tokenize.*no resource named "tokenizer"/);
  });
});
