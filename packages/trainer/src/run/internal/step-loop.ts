/**
 * Drives the update stage one micro-batch at a time and tells the source when it may pull again.
 *
 * The run keeps one batch in flight (`maxInFlight: 1`): a micro-batch that does not complete an
 * accumulation window gives its credit back as soon as the update stage has taken it; one that
 * completes a window (the update stage emits the step's metrics synchronously) keeps it until the
 * step's async work (metrics, samples, checkpoint) is done and the caller releases it. So no
 * weights change while a checkpoint is being written, and the stream position of a checkpoint is
 * exactly the rows its weights have seen. A source batch that a stage dropped (e.g. no pair left
 * after rejection sampling) arrives as {@link DROPPED} and gives its credit back at once.
 */
import { concatMap, Observable, Subject, type OperatorFunction } from 'rxjs';
import type { Batch, FlowItem } from '@prefstream/core';

/** Marks a source batch that produced no gradients. */
export const DROPPED = Symbol('dropped');

/**
 * @param update the update stage's operator (gradients → one metrics batch per applied step).
 * @param release gives the source one credit back.
 * @param onStep the async work of one step; its result is emitted.
 */
export function stepLoop<R>(
  update: OperatorFunction<FlowItem, FlowItem>,
  release: () => void,
  onStep: (metrics: Batch) => Promise<R>,
): OperatorFunction<FlowItem | typeof DROPPED, R> {
  return (gradients) =>
    new Observable<R>((subscriber) => {
      const input = new Subject<FlowItem>();
      let stepped = false;
      const steps = input
        .pipe(
          update,
          concatMap((item) => {
            stepped = true;
            return onStep(item as Batch);
          }),
        )
        .subscribe(subscriber);
      const upstream = gradients.subscribe({
        next: (item) => {
          if (item === DROPPED) return release();
          stepped = false;
          input.next(item); // the update stage runs synchronously on it
          if (!stepped) release();
        },
        error: (error: unknown) => input.error(error),
        complete: () => input.complete(),
      });
      return () => {
        upstream.unsubscribe();
        steps.unsubscribe();
      };
    });
}
