/**
 * One loss stage step as an Observable: compute a {@link GradientBatch} synchronously inside the
 * inner subscription and emit it at once, so an unsubscribed consumer can never drop (and leak)
 * its gradients; errors go downstream as a StageError naming the stage and batch.
 */
import { concatMap, Observable, type OperatorFunction } from 'rxjs';
import { StageError, type Batch, type FlowItem, type GradientBatch } from '@prefstream/core';

/** `concatMap` of a synchronous step per batch, emitted inside the inner subscription. */
export function gradientSteps(stage: string, step: (batch: Batch) => GradientBatch): OperatorFunction<FlowItem, FlowItem> {
  return concatMap(
    (item, index) =>
      new Observable<GradientBatch>((subscriber) => {
        let out: GradientBatch;
        try {
          out = step(item as Batch);
        } catch (cause) {
          subscriber.error(cause instanceof StageError ? cause : new StageError({ stage, batchIndex: index, cause }));
          return;
        }
        subscriber.next(out);
        subscriber.complete();
      }),
  );
}
