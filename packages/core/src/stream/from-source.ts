/**
 * The bridge from a pull-based source (an async iterable: our readers, Arrow's RecordBatchReader)
 * into RxJS, which has no backpressure of its own (DESIGN §4).
 *
 * Contract — credits:
 * - The source starts with `maxInFlight` credits. Each credit pulls exactly one item
 *   (`iterator.next()`), only when the credit is there, so at most `maxInFlight` items are
 *   pulled and not yet acknowledged: memory does not depend on the dataset size.
 * - An item is acknowledged when it passes `source.acknowledge()`, an operator placed where the
 *   pipeline is done with one source item (usually the last operator), or by `source.release(n)`
 *   for pipelines that merge or split items (e.g. an update stage that consumes k micro-batches).
 *   Without acknowledgements the stream stops after `maxInFlight` items.
 * - Errors of the source go downstream; completion follows the source's end.
 * - Unsubscribing (e.g. `take(n)` downstream, or an error further down) calls
 *   `iterator.return()`, which closes the file behind it.
 * - One subscription at a time: a gated source is a single pass over its iterable.
 */
import { Subject, concatMap, defer, finalize, from, map, range, startWith, takeWhile, tap, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { ConfigError } from '../errors/config-error.js';

export interface FromSourceOptions {
  /** Items pulled ahead of their acknowledgement (default 2). */
  maxInFlight?: number;
}

/** An Observable over a pull-based source, with the credit controls of the contract above. */
export interface GatedSource<T> extends Observable<T> {
  readonly maxInFlight: number;
  /** Items pulled and not yet acknowledged (a queue depth, for metrics). */
  readonly inFlight: number;
  /** Passes values through; each value returns one credit to the source. */
  acknowledge<U>(): MonoTypeOperatorFunction<U>;
  /** Returns `count` credits to the source. */
  release(count?: number): void;
}

/**
 * @example
 * const source = fromSource(readJsonl('pairs.jsonl', { batchRows: 64 }), { maxInFlight: 2 });
 * await lastValueFrom(source.pipe(buildPipeline({ registry, ctx, stages, sourceColumns }), source.acknowledge()));
 */
export function fromSource<T>(iterable: AsyncIterable<T>, options: FromSourceOptions = {}): GatedSource<T> {
  const maxInFlight = options.maxInFlight ?? 2;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new ConfigError('fromSource', `maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  const credits = new Subject<number>();
  let inFlight = 0;

  const stream = defer(() => {
    const iterator = iterable[Symbol.asyncIterator]();
    let ended = false;
    inFlight = 0;
    return credits.pipe(
      startWith(maxInFlight),
      // One pull per credit; concatMap keeps pulls sequential, as an async iterator requires.
      concatMap((count) => range(0, count)),
      concatMap(() => from(iterator.next())),
      takeWhile((result) => {
        if (result.done) ended = true;
        return !result.done;
      }),
      map((result) => result.value as T),
      tap(() => inFlight++),
      finalize(() => {
        // On early unsubscribe the iterator is mid-stream: return() runs its finally blocks.
        if (!ended) void Promise.resolve(iterator.return?.()).catch(() => undefined);
      }),
    );
  });

  const release = (count = 1) => {
    inFlight = Math.max(0, inFlight - count);
    credits.next(count);
  };
  // defineProperties, not Object.assign: assign would copy the getter's value once.
  return Object.defineProperties(stream, {
    maxInFlight: { value: maxInFlight },
    inFlight: { get: () => inFlight },
    acknowledge: { value: <U>(): MonoTypeOperatorFunction<U> => tap<U>(() => release(1)) },
    release: { value: release },
  }) as GatedSource<T>;
}
