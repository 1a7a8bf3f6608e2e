/**
 * The per-batch skeleton of the sampler's stages: a batch index per subscription, batches
 * processed one at a time in order (concatMap), any failure sent downstream as a StageError that
 * names the stage and the batch. `null` from `project` emits nothing for that batch.
 */
import { StageError, type Batch, type FlowItem } from '@prefstream/core';
import { concatMap, defer, EMPTY, from, of, type Observable, type OperatorFunction } from 'rxjs';

/** What a stage does to one batch. `index` counts batches from 0 per subscription. */
export type BatchProject = (batch: Batch, index: number) => Batch | null | Promise<Batch | null>;

function isGradients(item: FlowItem): boolean {
  return (item as { kind?: unknown }).kind === 'gradients';
}

/** Wraps `project` into an operator over the flow; see the file comment. */
export function mapBatches(stage: string, project: BatchProject): OperatorFunction<FlowItem, FlowItem> {
  return (source) =>
    defer(() => {
      let index = 0;
      return source.pipe(
        concatMap((item): Observable<FlowItem> => {
          const batchIndex = index++;
          const fail = (cause: unknown) => new StageError({ stage, batchIndex, cause });
          if (isGradients(item)) throw fail(new TypeError('expected a record batch, got a gradient batch'));
          let out: Batch | null | Promise<Batch | null>;
          try {
            out = project(item as Batch, batchIndex);
          } catch (cause) {
            throw fail(cause);
          }
          if (out instanceof Promise) {
            return from(
              out.then(
                (b) => b,
                (cause: unknown) => {
                  throw fail(cause);
                },
              ),
            ).pipe(concatMap((b) => (b === null ? EMPTY : of(b))));
          }
          return out === null ? EMPTY : of(out);
        }),
      );
    });
}
