/**
 * `UnsortedSegmentSum` for the wasm backend, which ships none (tfjs 4.22): without it the
 * gradient of `tf.gather` — every embedding lookup — throws. TF semantics
 * (tf.math.unsorted_segment_sum): out[s, …] = Σ_{i : ids[i] = s} x[i, …]; ids outside
 * [0, numSegments) are dropped, as the cpu backend drops them.
 */
import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const SUPPORTED_DTYPES = new Set(['float32', 'int32']);

function unsortedSegmentSum(args: { inputs: { x?: TensorInfo; segmentIds?: TensorInfo }; backend: BackendWasm; attrs: UnsortedSegmentSumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  if (!x || !segmentIds) throw new Error('UnsortedSegmentSum (wasm): inputs x and segmentIds are required');
  const { numSegments } = attrs;
  if (!SUPPORTED_DTYPES.has(x.dtype)) throw new Error(`UnsortedSegmentSum (wasm): x must be float32 or int32, got ${x.dtype}`);
  if (segmentIds.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (wasm): segmentIds must be int32, got ${segmentIds.dtype}`);
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum (wasm): numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const idsRank = segmentIds.shape.length;
  const leading = x.shape.slice(0, idsRank);
  if (idsRank > x.shape.length || leading.some((d, i) => d !== segmentIds.shape[i])) {
    throw new Error(`UnsortedSegmentSum (wasm): segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`);
  }
  const inner = x.shape.slice(idsRank); // the trailing dims summed as a block
  const blockSize = inner.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...inner], x.dtype);
  // Views only after the allocation above: growing the wasm heap detaches earlier views.
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  const os = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  os.fill(0); // the heap is not zeroed by malloc
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * blockSize;
    const dst = s * blockSize;
    for (let j = 0; j < blockSize; j++) os[dst + j]! += xs[src + j]!;
  }
  // int32 sums wrap like TF's int32 (the typed array stores modulo 2^32).
  return out;
}

/** Kernel registration for `UnsortedSegmentSum` on wasm. */
export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
