import { describe, expect, it } from 'vitest';
import { bfloat16ToFloat, float32ToRaw, floatToBfloat16, floatToHalf, halfToFloat, rawToFloat32 } from './half-float.js';

describe('F16 / BF16 ↔ F32', () => {
  // IEEE 754 binary16 reference bit patterns.
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff], // largest finite half
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -14, 0x0400], // smallest normal
    [0.1, 0x2e66], // rounds to nearest
    [Infinity, 0x7c00],
    [70000, 0x7c00], // overflow → Inf
    [2 ** -26, 0x0000], // underflow → 0
    [1 + 2 ** -11, 0x3c00], // tie → even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
  ])('half(%f) = %s', (x, bits) => {
    expect(floatToHalf(x)).toBe(bits);
  });

  it('decodes every half bit pattern to the value it encodes back to', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      if (Number.isNaN(x)) expect((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0).toBe(true);
      else expect(floatToHalf(x)).toBe(h);
    }
  });

  it.each([
    [1, 0x3f80],
    [-2, 0xc000],
    [3.140625, 0x4049],
    [1 + 2 ** -8, 0x3f80], // tie → even
  ])('bfloat16(%f) = %s', (x, bits) => {
    expect(floatToBfloat16(x)).toBe(bits);
    expect(bfloat16ToFloat(bits)).toBeCloseTo(x, 2);
  });

  it('NaN stays NaN through BF16 and F16', () => {
    expect(Number.isNaN(bfloat16ToFloat(floatToBfloat16(NaN)))).toBe(true);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
  });

  it('raw tensors round trip through each float dtype', () => {
    const values = Float32Array.from([0, 1, -0.5, 3.25, 1024]);
    for (const dtype of ['F32', 'F16', 'BF16', 'F64'] as const) {
      expect(Array.from(rawToFloat32(float32ToRaw(values, [5], dtype)))).toEqual(Array.from(values));
    }
    expect(() => float32ToRaw(values, [5], 'I32')).toThrow(/cannot encode float values as I32/);
  });
});
