/**
 * A `BatchMatMul` for wasm that reaches XNNPACK for every float32 product. tfjs-backend-wasm 4.22
 * sends only a single non-transposed [M,K]×[K,N] product to XNNPACK's fully-connected operator
 * (cc/batch_mat_mul_impl.cc); transposed and batched products — attention, and the products
 * autograd makes in every backward pass — run a scalar triple loop (~1 GFLOP/s). Here:
 * - transposes are materialised first by the wasm Transpose kernel (memory-bound, O(MK));
 * - when b has one batch (a linear layer over (B, T, D) activations) the batch of a is folded into
 *   its rows: one (batch·M, K)×(K, N) product;
 * - otherwise a loop of 2-D products, each on fresh copies: XNNPACK packs and caches the weights
 *   operand under its tensor id, so an id must never be reused with other contents.
 * The bench (tools/bench/src/backend-matmul.ts) measured the gain; README "Tensor backend".
 */
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { broadcastIndex, copyFloats, freeTemps, matMulOperands, view } from './internal/wasm-layout.js';

/**
 * Smallest M·K·N of one XNNPACK call worth routing: below it the stock loop wins or ties, because
 * of per-call costs (weight packing, copies, a kernel call per batch). Measured on wasm with
 * (16, T, dh) products: M·K·N = 4K–16K 0.3–1.4×, 32K 0.9–3×, 64K 2.3–4×, 256K 2–18×.
 */
export const MIN_ROUTED_WORK = 1 << 16;

/** Options of {@link batchMatMulWasmConfig}. */
export interface BatchMatMulWasmOptions {
  /** Products with less M·K·N per XNNPACK call stay on the stock kernel (default {@link MIN_ROUTED_WORK}). */
  minRoutedWork?: number;
}

type MatMulArgs = { inputs: { a?: TensorInfo; b?: TensorInfo }; backend: BackendWasm; attrs: BatchMatMulAttrs };

const sizeOf = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);

/** True when the stock kernel already takes XNNPACK's path. */
function stockIsFast(a: TensorInfo, b: TensorInfo, attrs: BatchMatMulAttrs): boolean {
  return !attrs.transposeA && !attrs.transposeB && sizeOf(a.shape.slice(0, -2)) === 1 && sizeOf(b.shape.slice(0, -2)) === 1;
}

/** Runs the stock kernel on one non-transposed product (batch 1 on both sides: the XNNPACK path). */
function product2d(stock: KernelFunc, backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return stock({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
}

/** M·K·N of each XNNPACK call the routed path would make: one folded product, or one per batch. */
function routedWork(a: TensorInfo, b: TensorInfo, attrs: BatchMatMulAttrs): number {
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const [m, k] = attrs.transposeA ? [a1, a0] : [a0, a1];
  const n = attrs.transposeB ? b0 : b1;
  const folded = sizeOf(b.shape.slice(0, -2)) === 1 ? sizeOf(a.shape.slice(0, -2)) : 1;
  return folded * m * k * n;
}

/**
 * Builds the replacement around the stock kernel it delegates to.
 * @param stock the wasm backend's own BatchMatMul registration
 * @example tf.registerKernel(batchMatMulWasmConfig(stock, { minRoutedWork: 0 })) // route everything (tests)
 */
export function batchMatMulWasmConfig(stock: KernelConfig, options: BatchMatMulWasmOptions = {}): KernelConfig {
  const stockFunc = stock.kernelFunc;
  const minWork = options.minRoutedWork ?? MIN_ROUTED_WORK;
  const kernelFunc = (args: MatMulArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    // Non-float32 inputs and the already-fast case: the stock kernel (and its error messages).
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || stockIsFast(a, b, attrs) || a.shape.length < 2 || b.shape.length < 2 || routedWork(a, b, attrs) < minWork) {
      return stockFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const ops = matMulOperands(backend, a, b, attrs.transposeA, attrs.transposeB, 'BatchMatMul (wasm)');
    const { m, k, n, batchShape } = ops;
    const batchA = ops.a.shape[0]!;
    const batchB = ops.b.shape[0]!;
    const batch = sizeOf(batchShape);
    const outShape = [...batchShape, m, n];
    try {
      if (batchB === 1) {
        // (batchA·M, K) × (K, N): rows of all batches of a in one product.
        // With batchB = 1 the output batch is a's, so the folded rows are already in output order.
        return view(product2d(stockFunc, backend, view(ops.a, [1, batchA * m, k]), ops.b), outShape);
      }
      const out = backend.makeOutput(outShape, 'float32');
      const aShape = a.shape.slice(0, -2);
      const bShape = b.shape.slice(0, -2);
      for (let i = 0; i < batch; i++) {
        const ia = broadcastIndex(i, batchShape, aShape);
        const ib = broadcastIndex(i, batchShape, bShape);
        // a is the "input" side of XNNPACK's operator (not cached): a shared a needs no copy.
        const ai = batchA === 1 ? view(ops.a, [1, m, k]) : backend.makeOutput([1, m, k], 'float32');
        const bi = backend.makeOutput([1, k, n], 'float32');
        if (batchA !== 1) copyFloats(backend, ops.a, ia * m * k, ai, 0, m * k);
        copyFloats(backend, ops.b, ib * k * n, bi, 0, k * n);
        const oi = product2d(stockFunc, backend, ai, bi);
        copyFloats(backend, oi, 0, out, i * m * n, m * n);
        freeTemps(backend, batchA === 1 ? [bi, oi] : [ai, bi, oi]);
      }
      return out;
    } finally {
      freeTemps(backend, ops.temps);
    }
  };
  return { kernelName: 'BatchMatMul', backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc: kernelFunc as unknown as KernelFunc };
}
