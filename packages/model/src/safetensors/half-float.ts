/**
 * IEEE 754 half (F16) and bfloat16 (BF16) ↔ float32 conversion, bit-exact in the F16/BF16 → F32
 * direction; F32 → F16/BF16 rounds to nearest even (as PyTorch's `.to(torch.float16/bfloat16)`).
 */
import type { RawTensor, SafetensorsDtype } from './dtype.js';
import { DTYPE_BYTES, elementCount } from './dtype.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Decodes one half-precision bit pattern. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal: frac · 2^-14 / 2^10
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Encodes a float as half precision, round-to-nearest-even, overflow → ±Inf. */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15; // re-biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflows to ±0
    const m = mant | 0x800000; // implicit leading 1
    const shift = 14 - e; // 24-bit mantissa down to a subnormal 10-bit one
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let out = m >>> shift;
    if (rest > half || (rest === half && out & 1)) out += 1;
    return sign | out;
  }
  let out = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out += 1; // carry may roll into the exponent: correct
  return out;
}

/** Decodes one bfloat16 bit pattern (the top 16 bits of a float32). */
export function bfloat16ToFloat(b: number): number {
  u32[0] = b << 16;
  return f32[0]!;
}

/** Encodes a float as bfloat16, round-to-nearest-even; NaN stays NaN. */
export function floatToBfloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return ((bits >>> 16) | 0x40) & 0xffff;
  const rounded = bits + 0x7fff + ((bits >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

type ToF32 = (bytes: Uint8Array, n: number) => Float32Array;

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Reads element i of a DataView as a number. */
type Get = (v: DataView, i: number) => number;

const GETTERS: Record<Exclude<SafetensorsDtype, 'F32' | 'BF16'>, Get> = {
  F16: (v, i) => halfToFloat(v.getUint16(2 * i, true)),
  F64: (v, i) => v.getFloat64(8 * i, true),
  I64: (v, i) => Number(v.getBigInt64(8 * i, true)),
  I32: (v, i) => v.getInt32(4 * i, true),
  I16: (v, i) => v.getInt16(2 * i, true),
  I8: (v, i) => v.getInt8(i),
  U8: (v, i) => v.getUint8(i),
  BOOL: (v, i) => (v.getUint8(i) ? 1 : 0),
};

function decodeWith(get: Get): ToF32 {
  return (b, n) => {
    const out = new Float32Array(n);
    const v = view(b);
    for (let i = 0; i < n; i++) out[i] = get(v, i);
    return out;
  };
}

/** Decoders of every dtype to float32 (integers convert by value; BOOL to 0/1). */
const TO_F32: Record<SafetensorsDtype, ToF32> = {
  F32: (b, n) => {
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(b.subarray(0, n * 4)); // copy: the source may be unaligned
    return out;
  },
  BF16: (b, n) => {
    const out = new Float32Array(n);
    const o = new Uint32Array(out.buffer);
    const v = view(b);
    for (let i = 0; i < n; i++) o[i] = v.getUint16(2 * i, true) << 16;
    return out;
  },
  ...(Object.fromEntries(Object.entries(GETTERS).map(([k, g]) => [k, decodeWith(g)])) as Record<keyof typeof GETTERS, ToF32>),
};

/** The values of a stored tensor as float32 (the dtype all model math runs in). */
export function rawToFloat32(t: RawTensor): Float32Array {
  return TO_F32[t.dtype](t.data, elementCount(t.shape));
}

type FromF32 = (x: Float32Array, v: DataView) => void;

const FROM_F32: Partial<Record<SafetensorsDtype, FromF32>> = {
  F32: (x, v) => x.forEach((y, i) => v.setFloat32(4 * i, y, true)),
  F16: (x, v) => x.forEach((y, i) => v.setUint16(2 * i, floatToHalf(y), true)),
  BF16: (x, v) => x.forEach((y, i) => v.setUint16(2 * i, floatToBfloat16(y), true)),
  F64: (x, v) => x.forEach((y, i) => v.setFloat64(8 * i, y, true)),
};

/** Encodes float32 values as a stored tensor of a floating dtype (F32, F16, BF16, F64). */
export function float32ToRaw(values: Float32Array, shape: readonly number[], dtype: SafetensorsDtype): RawTensor {
  const encode = FROM_F32[dtype];
  if (!encode) throw new Error(`cannot encode float values as ${dtype}; floating dtypes are F32, F16, BF16, F64`);
  const n = elementCount(shape);
  if (values.length !== n) throw new Error(`float32ToRaw: ${values.length} values for shape [${shape.join(', ')}]`);
  const data = new Uint8Array(n * DTYPE_BYTES[dtype]);
  encode(values, view(data));
  return { dtype, shape: [...shape], data };
}
