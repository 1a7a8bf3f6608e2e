import { describe, expect, it } from 'vitest';
import { packSequences } from './pack-sequences.js';

describe('packSequences', () => {
  it('right padding', () => {
    const b = packSequences([[1, 2], [3]], [[4], [5, 6, 7]], { padSide: 'right', padTokenId: 9 });
    expect([b.batchSize, b.seqLen]).toEqual([2, 4]);
    expect(Array.from(b.inputIds)).toEqual([1, 2, 4, 9, 3, 5, 6, 7]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Array.from(b.completionMask)).toEqual([0, 0, 1, 0, 0, 1, 1, 1]);
    expect(Array.from(b.completionLengths)).toEqual([1, 3]);
  });

  it('left padding', () => {
    const b = packSequences([[1, 2], [3]], [[4], [5, 6, 7]], { padSide: 'left', padTokenId: 0 });
    expect(Array.from(b.inputIds)).toEqual([0, 1, 2, 4, 3, 5, 6, 7]);
    expect(Array.from(b.attentionMask)).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(b.completionMask)).toEqual([0, 0, 0, 1, 0, 1, 1, 1]);
  });

  it('maxLength drops completion tokens from the end, then prompt tokens from the start', () => {
    const b = packSequences([[1, 2, 3], [1, 2, 3, 4, 5]], [[4, 5, 6], [6]], { padSide: 'right', padTokenId: 0, maxLength: 4 });
    expect(b.seqLen).toBe(4);
    expect(Array.from(b.inputIds)).toEqual([1, 2, 3, 4, 2, 3, 4, 5]);
    expect(Array.from(b.completionLengths)).toEqual([1, 0]);
  });

  it('rejects bad input with a clear message', () => {
    expect(() => packSequences([[1]], [], { padSide: 'left', padTokenId: 0 })).toThrow(/1 prompts but 0 completions/);
    expect(() => packSequences([[1, -1]], [[2]], { padSide: 'left', padTokenId: 0 })).toThrow(/prompts\[0\]\[1\] = -1/);
    expect(() => packSequences([[]], [[2]], { padSide: 'left', padTokenId: 0 })).toThrow(/prompts\[0\] is empty/);
    expect(() => packSequences([[1]], [[2.5]], { padSide: 'left', padTokenId: 0 })).toThrow(/completions\[0\]\[0\] = 2.5/);
    expect(() => packSequences([[1]], [[2]], { padSide: 'middle' as 'left', padTokenId: 0 })).toThrow(/padSide/);
  });
});
