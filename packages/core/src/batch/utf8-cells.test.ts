import { describe, expect, it } from 'vitest';
import { Utf8Builder, sliceUtf8Cells, toUtf8Cells, utf8CellAt, utf8CellBytes, utf8CellsVector } from './utf8-cells.js';

describe('utf8 cells', () => {
  const values = ['', 'plain', 'é', '日本語', '🙂 emoji', 'x'.repeat(300)];

  it('round-trips multi-byte text, cell by cell and as a vector', () => {
    const cells = toUtf8Cells(values);
    expect(cells.length).toBe(values.length);
    expect(values.map((_, i) => utf8CellAt(cells, i))).toEqual(values);
    expect(utf8CellBytes(cells, 2)).toBe(2); // 'é' is 2 bytes in UTF-8
    expect([...utf8CellsVector([cells])]).toEqual(values);
  });

  it('grows past its initial buffers and stays valid after finish()', () => {
    const builder = new Utf8Builder();
    const many = Array.from({ length: 5000 }, (_, i) => `row ${i} ${'é'.repeat(i % 40)}`);
    for (const value of many) builder.append(value);
    const first = builder.finish();
    builder.append('next');
    const second = builder.finish();
    expect([...utf8CellsVector([first])]).toEqual(many);
    expect([...utf8CellsVector([second])]).toEqual(['next']);
  });

  it('concatenates slices whose offsets do not start at 0', () => {
    const a = toUtf8Cells(values);
    const b = toUtf8Cells(['z', 'ü']);
    const joined = utf8CellsVector([sliceUtf8Cells(a, 2, 5), sliceUtf8Cells(b, 1, 2)]);
    expect([...joined]).toEqual(['é', '日本語', '🙂 emoji', 'ü']);
    expect([...utf8CellsVector([sliceUtf8Cells(a, 3, 4)])]).toEqual(['日本語']);
  });
});
