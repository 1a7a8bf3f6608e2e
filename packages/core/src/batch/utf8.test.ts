import { describe, expect, it } from 'vitest';
import { Utf8, vectorFromArray } from 'apache-arrow';
import { utf8Column, utf8Strings } from './utf8.js';

describe('utf8 columns', () => {
  it('round-trips multi-byte text and matches Arrow’s own builder', () => {
    const values = ['', 'plain', 'é', '日本語', '🙂 emoji', 'x'.repeat(300)];
    const built = utf8Column(values);
    expect([...built]).toEqual(values);
    expect(utf8Strings(built)).toEqual(values);
    expect(utf8Strings(vectorFromArray(values, new Utf8()))).toEqual(values);
    expect(utf8Strings(built.slice(2, 4))).toEqual(['é', '日本語']);
  });

  it('keeps nulls when reading', () => {
    expect(utf8Strings(vectorFromArray(['a', null, 'c'], new Utf8()))).toEqual(['a', null, 'c']);
  });
});
