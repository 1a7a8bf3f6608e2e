/**
 * One loss stage step as an Observable: compute a {@link GradientBatch} synchronously inside the
 * inner subscription and emit it at once, so an unsubscribed consumer can never drop (and leak)
 * its gradients; errors go downstream as a StageError naming the stage and batch.
 */
import { concatMap, Observable, type OperatorFunction } from 'rxjs';
import { StageError, tf, type Batch, type FlowItem, type GradientBatch, type NamedTensorMap, type Scalar, type Variable } from '@prefstream/core';

/** What a loss function returns inside `tf.variableGrads`. */
export interface LossValue {
  loss: Scalar;
  /** Metrics as scalars; read to numbers before the scope closes. */
  metrics: Record<string, Scalar>;
}

/**
 * Gradients of `lossFn` w.r.t. `variables` (by name), with its metrics as numbers.
 * @owns the returned gradients until a receiver takes them.
 */
export function gradientBatch(batch: Batch, variables: ReadonlyMap<string, Variable>, tokens: number, lossFn: () => LossValue): GradientBatch {
  let metrics: Record<string, number> = {};
  const { value, grads } = tf.variableGrads(() => {
    const { loss, metrics: m } = lossFn();
    metrics = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.dataSync()[0]!]));
    return loss;
  }, [...variables.values()]);
  try {
    const gradients: NamedTensorMap = {};
    for (const [name, variable] of variables) if (grads[variable.name]) gradients[name] = grads[variable.name]!;
    return { kind: 'gradients', batch, gradients, loss: value.dataSync()[0]!, rows: batch.numRows, tokens, metrics };
  } catch (error) {
    tf.dispose(grads);
    throw error;
  } finally {
    value.dispose();
  }
}

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
