/**
 * `ppoEpochs`: PPO's inner loop over one rollout batch (TRL `num_ppo_epochs` × `num_mini_batches`):
 * each input batch is re-emitted `epochs` times, each time as `miniBatches` minibatches of a fresh
 * random permutation of its rows.
 *
 * Ordering: the minibatches are emitted one at a time, synchronously, and the next one only after
 * `subscriber.next` returned. Downstream, the loss stage computes its gradients when a minibatch
 * arrives and `applyUpdates` (without accumulation) steps the optimizer inside that same call, so
 * minibatch k + 1 is scored by the weights after update k — the recompute-after-each-update of PPO.
 * The stage test asserts it (the ratio of a second epoch differs from 1).
 */
import { Observable } from 'rxjs';
import { z } from 'zod';
import { defineStage, StageError, takeRows, type Batch, type FlowItem } from '@prefstream/core';

const STAGE = 'ppoEpochs';

/** Options of {@link ppoEpochs}; defaults are TRL's `PPOConfig`. */
export const PpoEpochsOptions = z.strictObject({
  epochs: z.int().positive().default(4).describe('Passes over each rollout batch (TRL `num_ppo_epochs`).'),
  miniBatches: z.int().positive().default(1).describe('Minibatches per pass, one optimizer update each (TRL `num_mini_batches`).'),
});
/** Parsed {@link PpoEpochsOptions}. */
export type PpoEpochsOptions = z.output<typeof PpoEpochsOptions>;

/**
 * Stage definition (kind `ppoEpochs`, batch → batch). Minibatches are as equal as the row count
 * allows (a batch with fewer rows than `miniBatches` gives one row per minibatch).
 * @example
 * // YAML: - { kind: ppoEpochs, epochs: 4, miniBatches: 2 }
 */
export const ppoEpochs = defineStage({
  kind: STAGE,
  options: PpoEpochsOptions,
  input: 'batch',
  output: 'batch',
  requires: () => [],
  produces: () => [],
  create(o, ctx) {
    const rng = ctx.rng.split(STAGE);
    let index = 0;
    return (source) =>
      new Observable<FlowItem>((subscriber) =>
        source.subscribe({
          next(item) {
            const batch = item as Batch;
            const batchIndex = index++;
            try {
              const n = batch.numRows;
              const parts = Math.min(o.miniBatches, Math.max(n, 1));
              for (let epoch = 0; epoch < o.epochs && !subscriber.closed; epoch++) {
                const order = permutation(n, () => rng.uniform());
                for (let k = 0; k < parts && !subscriber.closed; k++) {
                  const rows = order.slice(Math.floor((k * n) / parts), Math.floor(((k + 1) * n) / parts));
                  subscriber.next(takeRows(batch, rows)); // downstream steps the optimizer before this returns
                }
              }
            } catch (cause) {
              subscriber.error(cause instanceof StageError ? cause : new StageError({ stage: STAGE, batchIndex, cause }));
            }
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
  },
});

/** Fisher–Yates over 0..n−1 with the given uniform source. */
function permutation(n: number, uniform: () => number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
