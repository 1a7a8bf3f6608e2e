/**
 * `runPipeline(config)`: one training run. Parses the config, resolves the pipeline, checks the
 * column flow of the whole stage list against the data's columns (before any model is loaded or
 * any row moves), loads the resources, then streams the data through the stages one bounded
 * micro-batch at a time, writing metrics, samples, checkpoints and the final model.
 */
import { join } from 'node:path';
import { concat, concatMap, defaultIfEmpty, lastValueFrom, of, takeWhile, tap } from 'rxjs';
import { buildPipeline, ConfigError, checkColumnFlow, definePipeline, fromSource, Rng, type Batch, type FlowItem, type GradientBatch, type Logger, type StageContext } from '@prefstream/core';
import { isSaveableTokenizer, saveTokenizer } from '@prefstream/model';
import { loadLatestCheckpoint, restoreOptimizer } from '../checkpoint/load-latest-checkpoint.js';
import { saveCheckpoint } from '../checkpoint/save-checkpoint.js';
import { resolvePipeline } from '../pipelines/pipeline-registry.js';
import { createStageRegistry } from '../pipelines/stage-registry.js';
import { openRunData } from './internal/data-kinds.js';
import { readEpochs, type StreamPosition } from './internal/epoch-source.js';
import { loadPolicyResources } from './internal/policy-kinds.js';
import { runStages } from './internal/run-stages.js';
import { appendRows, metricsRow, RUN_FILES, sampleRows, truncateRows, writeResolvedConfig } from './internal/run-outputs.js';
import { END_OF_BATCH, stepLoop } from './internal/step-loop.js';
import { parseRunConfig, type RunConfigInput } from './run-config.js';

/** What the caller sees after each update. */
export interface StepProgress {
  readonly step: number;
  readonly maxSteps: number | undefined;
  /** The step's metrics row as written to metrics.jsonl. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Seconds since this process started the run. */
  readonly elapsedSeconds: number;
  /** Steps done in this process (excludes those before a resume). */
  readonly stepsThisRun: number;
}

/** Optional callbacks and controls of a run. */
export interface RunHooks {
  /** Called every `evaluation.every` updates; its values are logged as `eval/<name>`. */
  evaluate?(info: { step: number; resources: ReadonlyMap<string, unknown> }): Promise<Record<string, number>> | Record<string, number>;
  onStep?(progress: StepProgress): void;
  /** Aborting stops the run after the current update, with a checkpoint. */
  signal?: AbortSignal;
  log?: Logger;
  /** Extra named resources for the stages (e.g. reward functions `(prompt, completion) => number`). */
  resources?: Readonly<Record<string, unknown>>;
}

export interface RunResult {
  /** Updates applied in total (including those before a resume). */
  readonly step: number;
  /** True when stopped by the signal (no final model written). */
  readonly stopped: boolean;
  /** `<output>/final` when the run completed. */
  readonly finalDir: string | undefined;
  readonly lastCheckpoint: string | undefined;
}

const quiet: Logger = { info() {}, warn() {}, error() {} };

/**
 * @example
 * await runPipeline({ pipeline: { name: 'dpo', beta: 0.1 }, model: { dir: 'models/sft' },
 *   data: { path: 'pairs.jsonl' }, output: 'runs/dpo', maxSteps: 100, checkpoint: { every: 50 } });
 */
export async function runPipeline(input: RunConfigInput, hooks: RunHooks = {}, where = 'run config'): Promise<RunResult> {
  const config = parseRunConfig(input, where);
  const log = hooks.log ?? quiet;
  const pipeline = resolvePipeline(config.pipeline, `${where} pipeline`);
  const registry = createStageRegistry();
  const specs = runStages(pipeline.stages, config.gradientAccumulationSteps, `${where} pipeline`);
  const stages = definePipeline(registry, specs);
  const data = openRunData(config, stages, where);
  const columns = await data.columns();
  const flow = checkColumnFlow(stages, columns);
  const needsReference = stages.some((s) => s.kind === 'referenceLogps');

  const latest = await loadLatestCheckpoint(config.output);
  if (latest && !config.resume) {
    throw new ConfigError(`${where} output`, `${config.output} already holds ${latest.dir}; set resume: true (prefstream run --resume) to continue it, or choose another output`);
  }
  if (config.resume && !latest) log.warn(`resume: no checkpoint in ${config.output}; starting from the beginning`);
  const resources = await loadPolicyResources(config, pipeline.trains, needsReference, latest?.dir);
  const { policy, optimizer } = resources;
  for (const [name, value] of Object.entries(hooks.resources ?? {})) {
    if (resources.map.has(name)) throw new ConfigError(`${where}`, `resource "${name}" is already defined by the run (${[...resources.map.keys()].join(', ')})`);
    resources.map.set(name, value);
  }
  try {
    const monitor = data.monitor?.(resources.map);
    let rng = new Rng(config.seed);
    let position: StreamPosition = { epoch: 0, row: 0 };
    const history: Record<string, number | null>[] = [];
    if (latest) {
      await restoreOptimizer(latest.dir, optimizer);
      const state = latest.trainerState;
      if (state.rng.run) rng = Rng.restore(state.rng.run);
      position = (state.streamPosition as StreamPosition | null) ?? position;
      history.push(...state.metrics);
      for (const file of [RUN_FILES.metrics, RUN_FILES.samples]) await truncateRows(config.output, file, state.step);
    } else {
      for (const file of [RUN_FILES.metrics, RUN_FILES.samples]) await truncateRows(config.output, file, -1);
    }
    await writeResolvedConfig(config.output, { ...config, pipeline: { name: pipeline.name, ...pipeline.options }, stages: specs });

    const pending: Record<string, number> = {};
    const ctx: StageContext = {
      rng,
      log,
      metrics: { record: (values, meta) => void (meta?.stage === 'applyUpdates' || Object.assign(pending, values)) },
      resources: resources.map,
      workDir: config.output,
      signal: hooks.signal,
    };
    const head = buildPipeline({ registry, ctx, stages: stages.slice(0, -1), sourceColumns: columns });
    const update = buildPipeline({ registry, ctx, stages: stages.slice(-1), sourceColumns: flow.inputs.at(-1)!, sourceKind: 'gradients' });

    const started = Date.now();
    let seen: StreamPosition = position;
    let stepPosition = position;
    let lastBatch: Batch | undefined;
    let lastCheckpoint: string | undefined = latest?.dir;
    let lastCheckpointStep = latest?.trainerState.step ?? -1;
    let stepsThisRun = 0;
    let epoch = position.epoch;

    const checkpoint = async () => {
      lastCheckpoint = await saveCheckpoint({
        dir: config.output,
        model: policy as Parameters<typeof saveCheckpoint>[0]['model'],
        optimizer,
        keepLast: config.checkpoint.keepLast,
        trainerState: { step: optimizer.step, epoch, rng: { run: rng.state() }, streamPosition: { ...stepPosition }, metrics: history },
      });
      lastCheckpointStep = optimizer.step;
    };

    /** A step's row and rows, read when the update is applied (later updates of the batch overwrite both). */
    interface AppliedStep {
      readonly row: Record<string, number>;
      readonly rows: Batch | undefined;
    }
    const applied = (batch: Batch): AppliedStep => {
      const row: Record<string, number> = { ...pending, ...metricsRow(batch), ...monitor?.onStep() };
      for (const key of Object.keys(pending)) delete pending[key];
      return { row, rows: lastBatch };
    };
    const every = config.checkpoint.every;
    const onStep = async ({ row, rows }: AppliedStep, last: boolean): Promise<{ step: number; last: boolean }> => {
      const step = row.step!;
      epoch = row.epoch ?? epoch;
      stepPosition = seen;
      stepsThisRun++;
      if (config.evaluation && hooks.evaluate && step % config.evaluation.every === 0) {
        const values = await hooks.evaluate({ step, resources: resources.map });
        for (const [name, value] of Object.entries(values)) row[`eval/${name}`] = value;
      }
      history.push(row);
      await appendRows(config.output, RUN_FILES.metrics, [row]);
      if (config.logSamples && rows && step % config.logSamples.every === 0) {
        await appendRows(config.output, RUN_FILES.samples, sampleRows(rows, step, config.logSamples.rows));
      }
      // Checkpoints only at the end of a source batch (its weights match its stream position): the
      // first batch end at or after each multiple of `every` (every multiple when a batch makes one update).
      const due = every !== undefined && Math.floor(step / every) > Math.floor(Math.max(lastCheckpointStep, 0) / every);
      if (last && (due || hooks.signal?.aborted === true)) await checkpoint();
      hooks.onStep?.({ step, maxSteps: config.maxSteps, metrics: row, elapsedSeconds: (Date.now() - started) / 1000, stepsThisRun });
      return { step, last };
    };

    const done = () => hooks.signal?.aborted === true || (config.maxSteps !== undefined && optimizer.step >= config.maxSteps);
    const finished = ({ step, last }: { step: number; last: boolean }) => (config.maxSteps !== undefined && step >= config.maxSteps) || (last && hooks.signal?.aborted === true);
    if (!done()) {
      const batches = fromSource(readEpochs({ read: (skip) => data.read(skip), epochs: config.epochs, start: position }), { maxInFlight: 1 });
      await lastValueFrom(
        batches.pipe(
          // One subscription of the stages before the update per source batch (DESIGN §3: a batch
          // holds whole prompt groups, so no stage waits on the next batch), closed by
          // END_OF_BATCH, so a batch a stage drops gives its credit back instead of holding it.
          concatMap(({ batch, after }) => {
            seen = after;
            return concat(
              of<FlowItem>(batch).pipe(
                head,
                tap((item) => void (lastBatch = (item as GradientBatch).batch)),
              ),
              of(END_OF_BATCH),
            );
          }),
          stepLoop({ update, release: () => batches.release(), applied, onStep, stopped: done }),
          takeWhile((step) => !finished(step)),
          defaultIfEmpty(0),
        ),
      );
    }
    const stopped = hooks.signal?.aborted === true;
    if (stopped && optimizer.step !== lastCheckpointStep && optimizer.step > 0) await checkpoint();
    let finalDir: string | undefined;
    if (!stopped) {
      finalDir = join(config.output, RUN_FILES.final);
      await policy.save(finalDir);
      if (isSaveableTokenizer(resources.tokenizer)) await saveTokenizer(resources.tokenizer, finalDir);
      await monitor?.onEnd({ output: config.output, step: optimizer.step, history });
    }
    return { step: optimizer.step, stopped, finalDir, lastCheckpoint };
  } finally {
    resources.dispose();
  }
}
