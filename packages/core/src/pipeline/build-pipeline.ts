/**
 * Builds one operator from a list of stage specs: parse every spec, check the column flow of the
 * whole chain, and only then create the stage operators — so a misconfigured pipeline fails before
 * any data moves, naming the stage.
 */
import { catchError, defer, tap, throwError, type OperatorFunction } from 'rxjs';
import { StageError } from '../errors/stage-error.js';
import type { FlowItem, FlowKind, StageContext, StageSpec } from '../stage/stage.js';
import { checkColumnFlow } from './check-column-flow.js';
import { definePipeline, stageLabel, type ParsedStage } from './define-pipeline.js';
import type { StageRegistry } from './stage-registry.js';

export interface BuildPipelineOptions {
  readonly registry: StageRegistry;
  /** Raw specs (parsed here) or stages already parsed by {@link definePipeline}. */
  readonly stages: readonly StageSpec[] | readonly ParsedStage[];
  readonly ctx: StageContext;
  /** Columns the source provides (e.g. `ROW_SHAPES.preference.required`). */
  readonly sourceColumns: readonly string[];
  /** What the source emits (default 'batch'). */
  readonly sourceKind?: FlowKind;
}

function isParsed(stages: BuildPipelineOptions['stages']): stages is readonly ParsedStage[] {
  return stages.every((s) => 'definition' in s && 'options' in s && 'index' in s);
}

/**
 * One operator for the whole chain. Each stage gets `ctx` with its own RNG,
 * `ctx.rng.split(`${index}:${kind}`)`, so inserting a stage never changes another stage's draws.
 * An error inside a stage reaches the subscriber as a {@link StageError} naming the stage and
 * the index of the last item that entered it (errors already wrapped pass through unchanged).
 *
 * @example
 * const run = buildPipeline({ registry, ctx, sourceColumns: ['prompt', 'chosen', 'rejected'],
 *   stages: [{ kind: 'tokenize' }, { kind: 'referenceLogps', model: 'reference' }] });
 * fromSource(readJsonl('pairs.jsonl')).pipe(run);
 */
export function buildPipeline(options: BuildPipelineOptions): OperatorFunction<FlowItem, FlowItem> {
  const { registry, ctx, sourceColumns, sourceKind = 'batch' } = options;
  const stages = options.stages.length > 0 && isParsed(options.stages) ? options.stages : definePipeline(registry, options.stages as readonly StageSpec[]);
  checkColumnFlow(stages, sourceColumns, sourceKind);
  const operators = stages.map((stage) => {
    const stageCtx: StageContext = { ...ctx, rng: ctx.rng.split(`${stage.index}:${stage.kind}`) };
    return guarded(stage, stage.definition.create(stage.options, stageCtx));
  });
  return (source) => operators.reduce((stream, op) => stream.pipe(op), source);
}

/** Carries an error raised upstream of a stage through it, so it is not blamed on that stage. */
class FromUpstream {
  constructor(readonly error: unknown) {}
}

/** The stage's operator with its errors wrapped; the item counter lives per subscription. */
function guarded(stage: ParsedStage, operator: OperatorFunction<FlowItem, FlowItem>): OperatorFunction<FlowItem, FlowItem> {
  const label = stageLabel(stage.index, stage.kind);
  return (source) =>
    defer(() => {
      let entered = -1;
      return source.pipe(
        catchError((error: unknown) => throwError(() => new FromUpstream(error))),
        tap(() => entered++),
        operator,
        catchError((cause: unknown) => {
          if (cause instanceof FromUpstream) return throwError(() => cause.error);
          if (cause instanceof StageError) return throwError(() => cause);
          return throwError(() => new StageError({ stage: label, batchIndex: entered < 0 ? undefined : entered, cause }));
        }),
      );
    });
}
