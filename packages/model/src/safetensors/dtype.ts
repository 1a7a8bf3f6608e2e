/**
 * The element types a safetensors file may hold, with their byte sizes
 * (huggingface/safetensors `Dtype`; we accept the subset PyTorch checkpoints use).
 */
export const SAFETENSORS_DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  I64: 8,
  F32: 4,
  I32: 4,
  F16: 2,
  BF16: 2,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** True when `value` names a dtype we can read. */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && (SAFETENSORS_DTYPES as readonly string[]).includes(value);
}

/** One tensor as stored: dtype, shape and its raw little-endian bytes. */
export interface RawTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Little-endian element bytes, row-major; `byteLength = prod(shape) · DTYPE_BYTES[dtype]`. */
  readonly data: Uint8Array;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
