/**
 * Row-weighted accumulation of micro-batch gradients. When each micro-batch's loss is a mean over
 * its rows, the mean over the union of rows is `Σ_i n_i·L_i / Σ_i n_i`, and so is its gradient:
 * 4 micro-batches × 2 rows give exactly the update of 1 batch × 8 rows (TRL/transformers'
 * gradient-accumulation fix divides by the total count the same way).
 */
import { tf, type GradientBatch, type NamedTensorMap, type Tensor } from '@prefstream/core';

/** The mean over the accumulated micro-batches. @owns `gradients` (caller disposes). */
export interface Accumulated {
  readonly gradients: NamedTensorMap;
  readonly loss: number;
  readonly metrics: Record<string, number>;
  readonly rows: number;
  readonly tokens: number;
  readonly microBatches: number;
  /** Input indices of the micro-batches in this step, for logs and errors. */
  readonly batchIndices: readonly number[];
  /** Whether any micro-batch reported a non-finite loss. */
  readonly nonFiniteLoss: boolean;
}

export class GradientAccumulator {
  /** Σ_i n_i·g_i per variable name. @owns these tensors. */
  private sums: NamedTensorMap | undefined;
  private rows = 0;
  private tokens = 0;
  private lossSum = 0;
  private nonFiniteLoss = false;
  private readonly metricSums = new Map<string, { sum: number; rows: number }>();
  private batchIndices: number[] = [];

  get microBatches(): number {
    return this.batchIndices.length;
  }

  /** Adds one micro-batch. @borrows `item.gradients` (the stage disposes them). */
  add(item: GradientBatch, batchIndex: number): void {
    const n = item.rows;
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`gradient batch has rows = ${n}; expected a positive integer (the weight of its mean loss)`);
    const names = Object.keys(item.gradients);
    if (names.length === 0) throw new Error('gradient batch has no gradients');
    const previous = this.sums;
    this.sums = tf.tidy(() => {
      // A variable missing from one micro-batch (the loss did not reach it) contributes zero there.
      const out: NamedTensorMap = previous ? { ...previous } : {};
      for (const name of names) {
        const weighted = tf.mul(item.gradients[name]!, n);
        const before = previous?.[name];
        out[name] = before ? tf.add(before, weighted) : weighted;
      }
      return out;
    });
    // Free the sums that were replaced; the carried-over ones are in the new map.
    if (previous) for (const name of names) if (previous[name]) previous[name].dispose();
    this.rows += n;
    this.tokens += item.tokens;
    if (Number.isFinite(item.loss)) this.lossSum += n * item.loss;
    else this.nonFiniteLoss = true;
    for (const [key, value] of Object.entries(item.metrics)) {
      const entry = this.metricSums.get(key) ?? { sum: 0, rows: 0 };
      entry.sum += n * value;
      entry.rows += n;
      this.metricSums.set(key, entry);
    }
    this.batchIndices.push(batchIndex);
  }

  /** The row-weighted means, and a reset. @owns the returned gradients (caller disposes). */
  take(): Accumulated {
    const sums = this.sums;
    if (!sums) throw new Error('GradientAccumulator.take: nothing accumulated');
    const rows = this.rows;
    const gradients = tf.tidy(() => {
      const out: NamedTensorMap = {};
      for (const [name, sum] of Object.entries(sums)) out[name] = tf.div(sum as Tensor, rows);
      return out;
    });
    tf.dispose(sums);
    const metrics: Record<string, number> = {};
    for (const [key, { sum, rows: n }] of this.metricSums) metrics[key] = sum / n;
    const result: Accumulated = {
      gradients,
      loss: this.nonFiniteLoss ? Number.NaN : this.lossSum / rows,
      metrics,
      rows,
      tokens: this.tokens,
      microBatches: this.batchIndices.length,
      batchIndices: this.batchIndices,
      nonFiniteLoss: this.nonFiniteLoss,
    };
    this.reset();
    return result;
  }

  /** Frees what is held (teardown, errors). */
  dispose(): void {
    if (this.sums) tf.dispose(this.sums);
    this.reset();
  }

  private reset(): void {
    this.sums = undefined;
    this.rows = 0;
    this.tokens = 0;
    this.lossSum = 0;
    this.nonFiniteLoss = false;
    this.metricSums.clear();
    this.batchIndices = [];
  }
}
