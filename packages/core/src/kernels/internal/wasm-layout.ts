/**
 * Layout moves on the wasm heap that let matmuls reach XNNPACK: materialising a transpose with
 * the backend's own Transpose kernel, and copying float blocks between tensors. Uses BackendWasm
 * internals (`dataIdMap`, `makeOutput`, `HEAPF32`) — tfjs is pinned to 4.22 and the kernel tests
 * exercise every path.
 */
import { tf } from '../../backend/tf.js';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Operands of a matmul as non-transposed rank-3 float32 tensors on the heap. */
export interface MatMulOperands {
  /** (batchA, M, K) */
  readonly a: TensorInfo;
  /** (batchB, K, N) */
  readonly b: TensorInfo;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Broadcast batch shape of the output (the leading dims). */
  readonly batchShape: number[];
  /** Tensors created here; the caller frees them with {@link freeTemps}. */
  readonly temps: TensorInfo[];
}

const sizeOf = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);

function transposeFunc(): KernelFunc {
  const kernel = tf.getKernel('Transpose', 'wasm');
  if (!kernel) throw new Error('wasm Transpose kernel not registered: import @tensorflow/tfjs-backend-wasm first');
  return kernel.kernelFunc;
}

/** Same data, another shape of the same size: no kernel call, no copy, no reference taken. */
export function view(x: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** Broadcast of two batch shapes, as numpy; throws naming both shapes when they do not broadcast. */
export function broadcastBatch(a: readonly number[], b: readonly number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${what}: batch dims [${a}] and [${b}] do not broadcast`);
    out.push(Math.max(da, db));
  }
  return out;
}

/**
 * Flat batch index into an operand with batch shape `own` for output batch index `i` of
 * `batchShape` (dims of size 1 in `own` repeat).
 */
export function broadcastIndex(i: number, batchShape: readonly number[], own: readonly number[]): number {
  let rest = i;
  let index = 0;
  let stride = 1;
  for (let d = batchShape.length - 1; d >= 0; d--) {
    const size = batchShape[d]!;
    const coord = rest % size;
    rest = Math.floor(rest / size);
    const ownSize = own[own.length - batchShape.length + d] ?? 1;
    if (ownSize !== 1) index += coord * stride;
    stride *= ownSize;
  }
  return index;
}

/** Swaps the last two dims of a rank-3 tensor into new memory with the wasm Transpose kernel. */
export function transposeLast2Stock(backend: BackendWasm, x: TensorInfo): TensorInfo {
  return transposeFunc()({ inputs: { x }, backend, attrs: { perm: [0, 2, 1] } }) as TensorInfo;
}

const TILE = 32; // 32×32 floats = 4 KiB per tile side: both tiles stay in L1

/**
 * Swaps the last two dims of a rank-3 float32 tensor into new memory, in tiles over the heap.
 * The stock wasm Transpose walks a generic rank-N index per element and was ~10× slower here.
 */
export function transposeLast2(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const [batch, rows, cols] = x.shape as [number, number, number];
  const out = backend.makeOutput([batch, cols, rows], 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array; // views after the allocation
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  for (let b = 0; b < batch; b++) {
    const base = b * rows * cols;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        for (let r = r0; r < r1; r++) {
          const rowIn = base + r * cols;
          for (let c = c0; c < c1; c++) dst[base + c * rows + r] = src[rowIn + c]!;
        }
      }
    }
  }
  return out;
}

/**
 * Matrices at least this large (elements) are transposed by the tiled loop, smaller ones by the
 * stock kernel: measured on wasm, the tiled loop was ~3× faster at 512×512 and ~3× slower at
 * 128×64 and 64×32 (README "Tensor backend").
 */
export const TILED_TRANSPOSE_MIN_ELEMENTS = 1 << 16;

function transposeLast2Fastest(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const perMatrix = x.shape[1]! * x.shape[2]!;
  return perMatrix >= TILED_TRANSPOSE_MIN_ELEMENTS ? transposeLast2(backend, x) : transposeLast2Stock(backend, x);
}

/** Brings a and b of a BatchMatMul into (batch, M, K) × (batch, K, N) form, transposing physically. */
export function matMulOperands(backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, what: string): MatMulOperands {
  if (a.shape.length < 2 || b.shape.length < 2) throw new Error(`${what}: inputs must have rank ≥ 2, got [${a.shape}] and [${b.shape}]`);
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  if (k !== kb) throw new Error(`${what}: inner dims ${k} and ${kb} of [${a.shape}] and [${b.shape}] (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  const batchShape = broadcastBatch(a.shape.slice(0, -2), b.shape.slice(0, -2), what);
  const temps: TensorInfo[] = [];
  let a3 = view(a, [sizeOf(a.shape.slice(0, -2)), a0, a1]);
  let b3 = view(b, [sizeOf(b.shape.slice(0, -2)), b0, b1]);
  if (transposeA) temps.push((a3 = transposeLast2Fastest(backend, a3)));
  if (transposeB) temps.push((b3 = transposeLast2Fastest(backend, b3)));
  return { a: a3, b: b3, m, k, n, batchShape, temps };
}

/** Frees tensors this module created (they were never handed to the engine). */
export function freeTemps(backend: BackendWasm, temps: readonly TensorInfo[]): void {
  for (const t of temps) backend.disposeData(t.dataId);
}

/** Byte offset of a tensor's data on the wasm heap. */
function offsetOf(backend: BackendWasm, x: TensorInfo): number {
  return (backend.dataIdMap.get(x.dataId) as unknown as { memoryOffset: number }).memoryOffset;
}

/** Copies `count` floats from `src` at element `from` to `dst` at element `to` (memmove on the heap). */
export function copyFloats(backend: BackendWasm, src: TensorInfo, from: number, dst: TensorInfo, to: number, count: number): void {
  // HEAPU8 is re-read on every call: heap growth in an allocation replaces the view.
  const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  const s = offsetOf(backend, src) + 4 * from;
  heap.copyWithin(offsetOf(backend, dst) + 4 * to, s, s + 4 * count);
}
