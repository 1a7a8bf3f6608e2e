/**
 * Drives the update stage and tells the source when it may pull again.
 *
 * The run keeps one source batch in flight (`maxInFlight: 1`). Every source batch reaches this
 * loop as the gradient items its stages made of it, then {@link END_OF_BATCH}. A batch may make no
 * update (a micro-batch inside an accumulation window, or a batch a stage dropped), one, or
 * several (GRPO's μ iterations, PPO's epochs × minibatches): the update stage applies each as it
 * arrives, synchronously, and `applied` snapshots that step's metrics at once. When the batch has
 * ended, the async work of its steps (`onStep`: metrics rows, samples, checkpoints) runs in order,
 * and only then is the source's credit given back. So no weights change while a checkpoint is
 * written, a checkpoint is only taken at the end of a source batch (its weights have seen exactly
 * the rows before its stream position), and every step's row is written whatever the count.
 */
import { concatMap, Observable, Subject, type OperatorFunction } from 'rxjs';
import { tf, type Batch, type FlowItem, type GradientBatch } from '@prefstream/core';

/** Ends the items of one source batch. */
export const END_OF_BATCH = Symbol('end of batch');

export interface StepLoopHandlers<S, R> {
  /** The update stage's operator (gradients → one metrics batch per applied step). */
  readonly update: OperatorFunction<FlowItem, FlowItem>;
  /** Gives the source one credit back. */
  readonly release: () => void;
  /** Called synchronously when a step is applied: what the step's row needs, read now. */
  readonly applied: (metrics: Batch) => S;
  /** The async work of one step, after its source batch ended; `last` = the batch's last step. Its result is emitted. */
  readonly onStep: (step: S, last: boolean) => Promise<R>;
  /** True once no further update may be applied (max steps, abort): later gradients are freed unused. */
  readonly stopped: () => boolean;
}

/** The loop as an operator over gradient items and batch ends. */
export function stepLoop<S, R>(handlers: StepLoopHandlers<S, R>): OperatorFunction<FlowItem | typeof END_OF_BATCH, R> {
  const { update, release, applied, onStep, stopped } = handlers;
  return (items) =>
    new Observable<R>((subscriber) => {
      const input = new Subject<FlowItem>();
      const ended = new Subject<S[]>();
      let steps: S[] = [];
      const updates = input.pipe(update).subscribe({
        next: (metrics) => void steps.push(applied(metrics as Batch)),
        error: (error: unknown) => subscriber.error(error),
      });
      const work = ended
        .pipe(
          concatMap(
            (batchSteps) =>
              new Observable<R>((out) => {
                void (async () => {
                  for (let i = 0; i < batchSteps.length && !out.closed; i++) out.next(await onStep(batchSteps[i]!, i === batchSteps.length - 1));
                  if (!out.closed) {
                    release();
                    out.complete();
                  }
                })().catch((error: unknown) => out.error(error));
              }),
          ),
        )
        .subscribe(subscriber);
      const upstream = items.subscribe({
        next: (item) => {
          if (item !== END_OF_BATCH) {
            if (stopped()) return void tf.dispose(Object.values((item as GradientBatch).gradients ?? {}));
            return input.next(item); // the update stage runs synchronously on it
          }
          const batchSteps = steps;
          steps = [];
          if (batchSteps.length > 0) return ended.next(batchSteps);
          if (stopped()) return ended.complete(); // aborted with no update in this batch: pull no more
          release();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          input.complete();
          ended.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        updates.unsubscribe();
        work.unsubscribe();
      };
    });
}
