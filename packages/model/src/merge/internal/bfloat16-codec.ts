/**
 * Bulk BF16 ↔ float32 on typed-array views: the same bits as `bfloat16ToFloat` /
 * `floatToBfloat16` (round to nearest even, NaN kept quiet), without a function call and a
 * DataView access per element — the conversion dominates a BF16 merge otherwise.
 * Little-endian hosts only (callers check).
 */

/** BF16 little-endian bytes (even byteOffset) → float32: the 16 bits become the top half. */
export function decodeBfloat16(bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength >>> 1;
  const src = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) bits[i] = src[i]! << 16;
  return out;
}

/** float32 → BF16 little-endian bytes, rounding to nearest even. */
export function encodeBfloat16(values: Float32Array): Uint8Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const b = bits[i]!;
    // NaN (exponent all ones, mantissa ≠ 0): keep it a quiet NaN, as floatToBfloat16.
    if ((b & 0x7f800000) === 0x7f800000 && b & 0x7fffff) out[i] = ((b >>> 16) | 0x40) & 0xffff;
    else out[i] = ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return new Uint8Array(out.buffer);
}
