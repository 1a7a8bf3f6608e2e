import { describe, expect, it } from 'vitest';
import { Rng } from '@prefstream/core';
import {
  ADDITION_ALPHABET,
  additionGoldReward,
  additionMixedRows,
  additionPartialCredit,
  additionPrompt,
  additionSplit,
  additionTask,
  allAdditionProblems,
  conditionedPrompt,
  droppedCarry,
  offByOne,
  parseAdditionPrompt,
  sampleAdditionProblems,
  suboptimalAnswer,
  swappedDigits,
} from '../../index.js';

describe('addition problems', () => {
  it('splits the 8,100 problems once, about a fifth held out, never overlapping', () => {
    const train = allAdditionProblems('train');
    const heldout = allAdditionProblems('heldout');
    expect(train.length + heldout.length).toBe(90 * 90);
    expect(heldout.length).toBe(1647); // the documented split; changing the hash changes every result
    const ids = new Set(train.map((p) => p.id));
    expect(heldout.some((p) => ids.has(p.id))).toBe(false);
    expect(heldout.every((p) => additionSplit(p.a, p.b) === 'heldout')).toBe(true);
  });

  it('samples distinct problems reproducibly; a larger count extends a smaller one', () => {
    const a = sampleAdditionProblems({ split: 'heldout', count: 50, seed: 3 });
    const b = sampleAdditionProblems({ split: 'heldout', count: 80, seed: 3 });
    const c = sampleAdditionProblems({ split: 'heldout', count: 50, seed: 4 });
    expect(b.slice(0, 50)).toEqual(a);
    expect(new Set(b.map((p) => p.id)).size).toBe(80);
    expect(c.map((p) => p.id)).not.toEqual(a.map((p) => p.id));
    expect(a.every((p) => additionSplit(p.a, p.b) === 'heldout')).toBe(true);
    expect(() => sampleAdditionProblems({ split: 'heldout', count: 9000, seed: 1 })).toThrow(/count 9000 must be an integer in \[0, \d+\] for the heldout split/);
  });

  it('writes and parses prompts, with or without a condition', () => {
    expect(additionPrompt(12, 34)).toBe('12+34=');
    expect(parseAdditionPrompt('12+34=')).toEqual({ a: 12, b: 34 });
    expect(parseAdditionPrompt(conditionedPrompt('57+68=', 'expert'))).toEqual({ a: 57, b: 68 });
    expect(() => parseAdditionPrompt('5+68=')).toThrow(/prompt "5\+68=" is not of the form/);
    expect(() => additionPrompt(9, 10)).toThrow(/operand a = 9/);
  });

  it('encodes every prompt, answer and judge string with the task tokenizer; EOS and pad follow the alphabet', () => {
    const tok = additionTask.tokenizer();
    expect(tok.vocabSize).toBe(ADDITION_ALPHABET.length + 2);
    expect(tok.eosTokenId).toBe(19);
    expect(tok.padTokenId).toBe(20);
    expect(tok.decode(tok.encode('E 99+99=198|A:1|B:2'))).toBe('E 99+99=198|A:1|B:2');
  });
});

describe('gold reward', () => {
  it.each([
    ['46', '46', 1],
    ['46', '45', 0.5],
    ['46', '64', 0],
    ['46', '4', 0],
    ['46', '6', 0.5],
    ['46', '466', 1 / 3],
    ['46', '146', 2 / 3],
    ['125', '15', 1 / 3],
    ['125', '125', 1],
    ['125', '', 0],
    ['46', '4E', 0.5],
    ['46', ' 46', 2 / 3],
  ])('answer %s, completion %j → %d', (answer, completion, expected) => {
    expect(additionPartialCredit(answer, completion)).toBeCloseTo(expected, 12);
  });

  it('is the partial credit against the true sum, in [0, 1], and 1 only for the exact answer', () => {
    expect(additionGoldReward('57+68=', '125')).toBe(1);
    expect(additionGoldReward('E 57+68=', '124')).toBeCloseTo(2 / 3, 12);
    const rng = new Rng(5);
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: rng.int(5) }, () => ADDITION_ALPHABET[rng.int(ADDITION_ALPHABET.length)]).join('');
      const r = additionGoldReward('57+68=', text);
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(1);
      expect(r === 1).toBe(text === '125');
    }
  });
});

describe('sub-optimal source', () => {
  it('makes the named mistakes', () => {
    expect(droppedCarry(57, 68)).toBe('15');
    expect(droppedCarry(17, 25)).toBe('32');
    expect(droppedCarry(12, 34)).toBeUndefined(); // no carry to drop
    expect(swappedDigits(12, 34)).toBe('64');
    expect(swappedDigits(57, 68)).toBe('152');
    expect(swappedDigits(11, 11)).toBeUndefined(); // 22 reads the same swapped
    expect(['45', '47']).toContain(offByOne(12, 34, new Rng(1)));
  });

  it('always answers wrong, with every mistake in use', () => {
    const rng = new Rng(2);
    const seen = new Map<string, number>();
    for (const p of allAdditionProblems('train').slice(0, 2000)) {
      const { completion, mistake } = suboptimalAnswer(p.a, p.b, rng);
      expect(completion).not.toBe(p.answer);
      expect(additionGoldReward(p.prompt, completion)).toBeLessThan(1);
      seen.set(mistake, (seen.get(mistake) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['dropped-carry', 'off-by-one', 'swapped-digits']);
    for (const n of seen.values()) expect(n).toBeGreaterThan(300);
  });
});

describe('mixed-quality rows', () => {
  it('labels sources with conditions and weights; the expert fraction is as asked', () => {
    const rows = additionMixedRows({ count: 2000, seed: 1, expertFraction: 0.3 });
    expect(rows).toEqual(additionMixedRows({ count: 2000, seed: 1, expertFraction: 0.3 }));
    const expert = rows.filter((r) => r.source === 'expert');
    // Binomial(2000, 0.3): sd ≈ 20.5; 5 sd bound.
    expect(Math.abs(expert.length - 600)).toBeLessThan(103);
    for (const r of rows) {
      const gold = additionGoldReward(r.prompt, r.completion);
      if (r.source === 'expert') expect([gold, r.condition, r.weight, r.mistake]).toEqual([1, 'E', 1, 'none']);
      else expect([gold < 1, r.condition, r.weight]).toEqual([true, 'S', 0.1]);
      expect(additionSplit(...(Object.values(parseAdditionPrompt(r.prompt)) as [number, number]))).toBe('train');
    }
    expect(new Set(rows.map((r) => r.prompt_id)).size).toBe(2000);
  });
});
