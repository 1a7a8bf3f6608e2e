import { describe, expect, it } from 'vitest';
import { ByteTokenizer } from './byte-tokenizer.js';

describe('ByteTokenizer', () => {
  const tok = new ByteTokenizer();

  it('maps text to its UTF-8 bytes and numbers the default specials after them', () => {
    expect(tok.vocabSize).toBe(258);
    expect(tok.eosTokenId).toBe(256);
    expect(tok.padTokenId).toBe(257);
    expect(tok.bosTokenId).toBeUndefined();
    expect(tok.encode('hi')).toEqual([104, 105]);
    // é is two UTF-8 bytes: 0xC3 0xA9.
    expect(tok.encode('é')).toEqual([0xc3, 0xa9]);
    expect(tok.encode('a<|endoftext|>b<|pad|>')).toEqual([97, 256, 98, 257]);
  });

  it('round-trips any unicode text and decodes a cut character to U+FFFD', () => {
    const text = 'naïve 日本語 🙂\n';
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.decode([0xe6, 0x97])).toBe('\ufffd');
    expect(tok.decode([104, 256, 105], { skipSpecialTokens: true })).toBe('hi');
    expect(tok.decode([104, 256, 105])).toBe('h<|endoftext|>i');
    expect(() => tok.decode([258])).toThrow(/outside the vocabulary \[0, 258\)/);
  });

  it('prepends BOS when configured, only with special tokens', () => {
    const bos = new ByteTokenizer({ specialTokens: ['<s>', '</s>'], bosToken: '<s>', eosToken: '</s>', addBosToken: true });
    expect(bos.encode('a')).toEqual([256, 97]);
    expect(bos.encode('a', { addSpecialTokens: false })).toEqual([97]);
    expect(bos.eosTokenId).toBe(257);
  });

  it('rejects a role that is not a special token', () => {
    expect(() => new ByteTokenizer({ specialTokens: ['<s>'], eosToken: '</s>' })).toThrow(/field "eosToken": "<\/s>" is not one of the special tokens/);
    expect(() => new ByteTokenizer({ specialTokens: ['<s>', '<s>'] })).toThrow(/listed twice/);
  });

  it('fingerprints its specials and template', () => {
    expect(new ByteTokenizer().fingerprint()).toBe(tok.fingerprint());
    expect(new ByteTokenizer({ chatTemplate: '{{ messages[0].content }}' }).fingerprint()).not.toBe(tok.fingerprint());
  });
});
