import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';

describe('CharTokenizer', () => {
  const tok = new CharTokenizer('0123456789+= ');

  it('numbers the alphabet, then the specials', () => {
    expect(tok.vocabSize).toBe(15);
    expect(tok.encode('12+3=15')).toEqual([1, 2, 10, 3, 11, 1, 5]);
    expect(tok.encode('7<|endoftext|>')).toEqual([7, 13]);
    expect(tok.eosTokenId).toBe(13);
    expect(tok.padTokenId).toBe(14);
    expect(tok.decode([1, 2, 10, 3, 13])).toBe('12+3<|endoftext|>');
  });

  it('names a character outside the alphabet, or maps it to unk', () => {
    expect(() => tok.encode('1x')).toThrow(/character "x" \(U\+0078\) is not in the alphabet/);
    const unk = new CharTokenizer('ab', { specialTokens: ['<unk>', '<eos>'], unkToken: '<unk>', eosToken: '<eos>' });
    expect(unk.encode('abc')).toEqual([0, 1, 2]);
  });

  it('treats astral characters as one token each', () => {
    const emoji = new CharTokenizer('🙂a');
    expect(emoji.encode('a🙂')).toEqual([1, 0]);
    expect(emoji.decode([0, 1])).toBe('🙂a');
  });

  it('rejects an empty alphabet or a repeated character', () => {
    expect(() => new CharTokenizer('')).toThrow(/field "alphabet": the alphabet is empty/);
    expect(() => new CharTokenizer('aba')).toThrow(/character "a" appears twice/);
  });

  it('renders its chat template', () => {
    const chat = new CharTokenizer('ab', {
      specialTokens: ['<eos>'],
      eosToken: '<eos>',
      chatTemplate: '{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}',
    });
    expect(chat.applyChatTemplate([{ role: 'user', content: 'ab' }, { role: 'assistant', content: 'ba' }])).toBe('ab<eos>ba<eos>');
    expect(() => tok.applyChatTemplate([])).toThrow(/no chat template/);
  });
});
