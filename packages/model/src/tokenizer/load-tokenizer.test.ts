import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteTokenizer } from './byte-tokenizer.js';
import { CharTokenizer } from './char-tokenizer.js';
import { HfTokenizer } from './hf-tokenizer.js';
import { hasTokenizer, loadTokenizer } from './load-tokenizer.js';
import { saveTokenizer } from './save-tokenizer.js';

const GPT2_DIR = path.resolve(import.meta.dirname, '../../../..', '../shared/fixtures/hf-gpt2-tiny');
const TEMPLATE = '{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}';

describe('saveTokenizer → loadTokenizer', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'tok-io-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('gives back a ByteTokenizer with the same ids, roles and template', async () => {
    const dir = path.join(tmp, 'byte');
    const tok = new ByteTokenizer({ specialTokens: ['<s>', '</s>', '<pad>'], bosToken: '<s>', eosToken: '</s>', padToken: '<pad>', addBosToken: true, chatTemplate: TEMPLATE });
    await saveTokenizer(tok, dir);
    const kindFile = JSON.parse(await readFile(path.join(dir, 'prefstream_tokenizer.json'), 'utf8')) as { type: string };
    expect(kindFile.type).toBe('byte');
    const back = await loadTokenizer(dir);
    expect(back).toBeInstanceOf(ByteTokenizer);
    expect(back.encode('hé</s>')).toEqual(tok.encode('hé</s>'));
    expect([back.bosTokenId, back.eosTokenId, back.padTokenId, back.vocabSize]).toEqual([256, 257, 258, 259]);
    expect(back.applyChatTemplate!([{ role: 'user', content: 'x' }], { addGenerationPrompt: true })).toBe('[user]x</s>[assistant]');
    expect(back.fingerprint()).toBe(tok.fingerprint());
  });

  it('gives back a CharTokenizer with the same alphabet', async () => {
    const dir = path.join(tmp, 'char');
    const tok = new CharTokenizer('abc xyz');
    await saveTokenizer(tok, dir);
    const back = await loadTokenizer(dir);
    expect(back).toBeInstanceOf(CharTokenizer);
    expect(back.encode('cab zy<|endoftext|>')).toEqual([2, 0, 1, 3, 6, 5, 7]);
    expect(back.fingerprint()).toBe(tok.fingerprint());
  });

  it('writes a Hugging Face tokenizer back in its own format', async () => {
    const dir = path.join(tmp, 'hf');
    const tok = await loadTokenizer(GPT2_DIR);
    await saveTokenizer(tok, dir);
    const back = await loadTokenizer(dir);
    expect(back).toBeInstanceOf(HfTokenizer);
    expect(back.encode('Hello world')).toEqual([15496, 995]);
    expect(back.fingerprint()).toBe(tok.fingerprint());
  });

  it('tells whether a directory holds a tokenizer', async () => {
    expect(hasTokenizer(GPT2_DIR)).toBe(true);
    expect(hasTokenizer(path.join(tmp, 'byte'))).toBe(true);
    expect(hasTokenizer(tmp)).toBe(false);
  });

  it('names an unknown kind and lists the valid ones', async () => {
    const dir = path.join(tmp, 'unknown');
    await saveTokenizer(new ByteTokenizer(), dir);
    await writeFile(path.join(dir, 'prefstream_tokenizer.json'), JSON.stringify({ type: 'wordpiece', special_tokens: [] }));
    await expect(loadTokenizer(dir)).rejects.toThrow(/prefstream_tokenizer\.json, field "type": unknown tokenizer kind "wordpiece"; valid kinds: hf, byte, char/);
  });

  it('names a char tokenizer file without an alphabet', async () => {
    const dir = path.join(tmp, 'noalpha');
    await saveTokenizer(new ByteTokenizer(), dir);
    await writeFile(path.join(dir, 'prefstream_tokenizer.json'), JSON.stringify({ type: 'char', special_tokens: [] }));
    await expect(loadTokenizer(dir)).rejects.toThrow(/field "alphabet": expected a string/);
  });
});
