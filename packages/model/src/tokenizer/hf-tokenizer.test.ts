import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HfTokenizer } from './hf-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
const GPT2_DIR = path.resolve(REPO_ROOT, '../shared/fixtures/hf-gpt2-tiny');

describe('HfTokenizer on the real GPT-2 tokenizer', () => {
  let tok: HfTokenizer;
  let tmp: string;
  beforeAll(async () => {
    tok = (await loadTokenizer(GPT2_DIR)) as HfTokenizer;
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hf-tok-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('is an HfTokenizer with GPT-2 special ids and vocabulary size', () => {
    expect(tok).toBeInstanceOf(HfTokenizer);
    expect(tok.eosTokenId).toBe(50256);
    expect(tok.bosTokenId).toBe(50256);
    expect(tok.padTokenId).toBeUndefined();
    expect(tok.vocabSize).toBe(50257);
  });

  it('encodes the known GPT-2 ids', () => {
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.encode('<|endoftext|>')).toEqual([50256]);
    expect(tok.encode('Hello world<|endoftext|>')).toEqual([15496, 995, 50256]);
    // GPT-2 adds no special tokens around a text.
    expect(tok.encode('Hello world', { addSpecialTokens: true })).toEqual(tok.encode('Hello world', { addSpecialTokens: false }));
  });

  it('decodes back unicode text exactly, byte-level merges included', () => {
    const text = 'naïve café — 日本語 テキスト 🙂 Ünïcödé\nnew line';
    const ids = tok.encode(text);
    expect(ids.length).toBeGreaterThan(10);
    expect(tok.decode(ids)).toBe(text);
    expect(tok.idToToken(15496)).toBe('Hello');
    expect(tok.idToToken(995)).toBe('Ġworld');
  });

  it('keeps or skips special tokens on decode', () => {
    expect(tok.decode([15496, 995, 50256])).toBe('Hello world<|endoftext|>');
    expect(tok.decode([15496, 995, 50256], { skipSpecialTokens: true })).toBe('Hello world');
    expect(() => tok.decode([50257])).toThrow(/outside the vocabulary/);
  });

  it('has no chat template of its own', () => {
    expect(tok.hasChatTemplate).toBe(false);
    expect(() => tok.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(/no chat_template/);
  });

  it('renders a chat template set in tokenizer_config.json with messages, bos/eos and add_generation_prompt', async () => {
    const dir = path.join(tmp, 'chat');
    await cp(GPT2_DIR, dir, { recursive: true });
    const config = JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    config.chat_template =
      "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{{ eos_token }}{% endfor %}" +
      '{% if add_generation_prompt %}<|assistant|>{% endif %}';
    await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    const chat = await loadTokenizer(dir);
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ];
    expect(chat.applyChatTemplate!(messages)).toBe('<|endoftext|><|system|>Be brief.<|endoftext|><|user|>Hi<|endoftext|>');
    expect(chat.applyChatTemplate!(messages, { addGenerationPrompt: true })).toMatch(/<\|user\|>Hi<\|endoftext\|><\|assistant\|>$/);
    // The template is part of the fingerprint; the vocabulary is unchanged.
    expect(chat.fingerprint()).not.toBe(tok.fingerprint());
    expect(chat.encode('Hello world')).toEqual([15496, 995]);
  });

  it('has a stable sha256 fingerprint', async () => {
    const again = await loadTokenizer(GPT2_DIR);
    expect(tok.fingerprint()).toMatch(/^[0-9a-f]{64}$/);
    expect(again.fingerprint()).toBe(tok.fingerprint());
  });

  it('honours add_bos_token / add_eos_token from tokenizer_config.json', async () => {
    const dir = path.join(tmp, 'bos');
    await cp(GPT2_DIR, dir, { recursive: true });
    const config = JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, add_bos_token: true, add_eos_token: true }));
    const bos = await loadTokenizer(dir);
    expect(bos.encode('Hello world')).toEqual([50256, 15496, 995, 50256]);
    expect(bos.encode('Hello world', { addSpecialTokens: false })).toEqual([15496, 995]);
  });
});

describe('loadTokenizer errors on a broken Hugging Face directory', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hf-tok-bad-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('names a missing tokenizer.json', async () => {
    await expect(loadTokenizer(tmp)).rejects.toThrow(new RegExp(`${path.join(tmp, 'tokenizer.json')}: file not found`));
  });

  it('names a malformed tokenizer.json', async () => {
    const dir = path.join(tmp, 'malformed');
    await cp(GPT2_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, 'tokenizer.json'), '{"version": "1.0", "model": {');
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer\.json: malformed JSON/);
  });

  it('names the missing model field', async () => {
    const dir = path.join(tmp, 'nomodel');
    await cp(GPT2_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify({ version: '1.0', added_tokens: [] }));
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer\.json, field "model": missing or not an object/);
  });

  it('names an eos_token that is not in the vocabulary', async () => {
    const dir = path.join(tmp, 'badeos');
    await cp(GPT2_DIR, dir, { recursive: true });
    await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '<|nope|>' }));
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer_config\.json, field "eos_token": "<\|nope\|>" is not in the vocabulary/);
  });
});
