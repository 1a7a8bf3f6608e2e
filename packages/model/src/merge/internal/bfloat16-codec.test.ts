import { describe, expect, it } from 'vitest';
import { bfloat16ToFloat, floatToBfloat16 } from '../../safetensors/half-float.js';
import { decodeBfloat16, encodeBfloat16 } from './bfloat16-codec.js';

describe('bulk BF16 codec', () => {
  it('gives the same bits as the scalar conversions, specials included', () => {
    const bits = new Uint32Array(4096 + 8);
    let x = 0x12345678;
    for (let i = 0; i < 4096; i++) bits[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0; // LCG over all bit patterns
    bits.set([0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x7f7fffff, 0x3f808000], 4096);
    const values = new Float32Array(bits.buffer);
    const encoded = new Uint16Array(encodeBfloat16(values.slice()).buffer);
    const expected = Uint16Array.from(values, (v) => floatToBfloat16(v));
    expect([...encoded]).toEqual([...expected]);
    const decoded = decodeBfloat16(new Uint8Array(encoded.buffer));
    expect([...new Uint32Array(decoded.buffer)]).toEqual([...Float32Array.from(expected, (h) => bfloat16ToFloat(h))].map((v) => new Uint32Array(new Float32Array([v]).buffer)[0]));
  });
});
