/** What a vector extraction, vector application or merge wrote. */

/** Called after each output tensor is written (progress reporting); throwing aborts the run. */
export type OnTensorWritten = (name: string, index: number, total: number) => void;

/** Options every merge operation shares. */
export interface MergeOutputOptions {
  /** Start a new shard before a file would exceed this many bytes (default 5 GB, as transformers). */
  readonly maxShardBytes?: number;
  readonly onTensor?: OnTensorWritten;
}

/** The result of `extractVector`, `applyVector` or `mergeCheckpoints`. */
export interface MergeSummary {
  /** The output directory (absolute). */
  readonly outDir: string;
  /** Tensors in the output's weight files. */
  readonly tensorsWritten: number;
  /** Tensors computed from the inputs (float32 arithmetic). */
  readonly computed: number;
  /** Tensors copied unchanged from the target because the include/exclude mask left them out. */
  readonly skippedByMask: number;
  /** Integer / boolean tensors copied unchanged (or, for a vector, left out). */
  readonly nonFloat: number;
  /** Bytes of tensor data written. */
  readonly bytesWritten: number;
  /** Weight files written, in order (plus the index when sharded). */
  readonly files: readonly string[];
  /** Tied head → embedding pairs that were changed once, through the embedding. */
  readonly tied: Readonly<Record<string, string>>;
}
