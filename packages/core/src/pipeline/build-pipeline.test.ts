import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, lastValueFrom, map, throwError, toArray } from 'rxjs';
import { z } from 'zod';
import { defineStage, type Batch, type FlowItem, type StageContext } from '../stage/stage.js';
import { createRng } from '../rng/rng.js';
import { makeBatch, readFloat32, readStrings, withColumns } from '../batch/columns.js';
import { float32Vector, utf8Vector } from '../batch/vectors.js';
import { ConfigError } from '../errors/config-error.js';
import { StageError } from '../errors/stage-error.js';
import { DataError } from '../errors/data-error.js';
import { StageRegistry } from './stage-registry.js';
import { buildPipeline } from './build-pipeline.js';
import { definePipeline } from './define-pipeline.js';
import { checkColumnFlow } from './check-column-flow.js';

const asBatch = (item: FlowItem) => item as Batch;

/** Adds `reward` = length of `completion` × scale, and records the first draw of its RNG. */
const score = defineStage({
  kind: 'score',
  options: z.strictObject({ scale: z.number().default(1) }),
  input: 'batch',
  output: 'batch',
  requires: () => ['completion'],
  produces: () => ['reward'],
  create: (options, ctx) =>
    map((item) => {
      const batch = asBatch(item);
      const rewards = readStrings(batch, 'completion').map((c) => c.length * options.scale);
      draws.push(ctx.rng.uniform());
      return withColumns(batch, { reward: float32Vector(rewards) });
    }),
});
const draws: number[] = [];

/** Needs `reward`, drops `completion`; fails on a reward above `failAbove`. */
const pair = defineStage({
  kind: 'pair',
  options: z.strictObject({ failAbove: z.number().default(Infinity) }),
  input: 'batch',
  output: 'batch',
  requires: () => ['reward', 'prompt_id'],
  produces: () => ['chosen'],
  consumes: () => ['completion'],
  create: (options) =>
    map((item) => {
      const batch = asBatch(item);
      if (readFloat32(batch, 'reward').some((r) => r > options.failAbove)) throw new Error('reward too high');
      return withColumns(batch, { chosen: utf8Vector(readStrings(batch, 'completion')) });
    }),
});

const gradientsOnly = defineStage({
  kind: 'update',
  options: z.strictObject({}),
  input: 'gradients',
  output: 'batch',
  requires: () => [],
  produces: () => [],
  create: () => map((x) => x),
});

const registry = () => new StageRegistry().register(score).register(pair).register(gradientsOnly);
const ctx = (): StageContext => ({
  rng: createRng(7),
  log: { info() {}, warn() {}, error() {} },
  metrics: { record() {} },
  resources: new Map(),
});
const rows = (completions: string[]) =>
  makeBatch({ prompt_id: utf8Vector(completions.map(() => 'p')), completion: utf8Vector(completions) });

describe('buildPipeline', () => {
  it('runs a valid chain and gives each stage its own split RNG', async () => {
    draws.length = 0;
    const op = buildPipeline({ registry: registry(), ctx: ctx(), sourceColumns: ['prompt_id', 'completion'], stages: [{ kind: 'score', scale: 2 }, { kind: 'pair' }] });
    const out = asBatch(await firstValueFrom(from([rows(['ab', 'abc'])]).pipe(op)));
    expect(Array.from(readFloat32(out, 'reward'))).toEqual([4, 6]);
    expect(readStrings(out, 'chosen')).toEqual(['ab', 'abc']);
    expect(draws).toEqual([createRng(7).split('0:score').uniform()]);
  });

  it('names the stage and the missing column before any data moves', () => {
    const build = () => buildPipeline({ registry: registry(), ctx: ctx(), sourceColumns: ['completion'], stages: [{ kind: 'score' }, { kind: 'pair' }] });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/pair \(#1\).*"prompt_id".*available: completion, reward/);
  });

  it('tracks consumed columns', () => {
    const stages = definePipeline(registry(), [{ kind: 'score' }, { kind: 'pair' }, { kind: 'score' }]);
    expect(() => checkColumnFlow(stages, ['prompt_id', 'completion'])).toThrow(/score \(#2\).*"completion"/);
    expect(checkColumnFlow(stages.slice(0, 2), ['prompt_id', 'completion']).columns).toEqual(['prompt_id', 'reward', 'chosen']);
  });

  it('rejects a flow-kind mismatch', () => {
    expect(() => buildPipeline({ registry: registry(), ctx: ctx(), sourceColumns: ['completion'], stages: [{ kind: 'update' }] })).toThrow(
      /update \(#0\).*takes 'gradients' items but the source emits 'batch'/,
    );
  });

  it('lists valid kinds for an unknown kind', () => {
    expect(() => definePipeline(registry(), [{ kind: 'score' }, { kind: 'scroe' }])).toThrow(/stage scroe \(#1\).*unknown stage kind "scroe" \(valid kinds: pair, score, update\)/);
  });

  it('lists valid keys for an unknown option key', () => {
    const parse = () => definePipeline(registry(), [{ kind: 'score', sacle: 2 }]);
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/score \(#0\).*valid keys: scale/s);
    expect(parse).toThrow(/sacle/);
  });

  it('wraps a stage error as a StageError with stage and batch index', async () => {
    const op = buildPipeline({ registry: registry(), ctx: ctx(), sourceColumns: ['prompt_id', 'completion'], stages: [{ kind: 'score' }, { kind: 'pair', failAbove: 2.5 }] });
    const error = await lastValueFrom(from([rows(['a']), rows(['ab']), rows(['abc'])]).pipe(op, toArray())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).stage).toBe('pair (#1)');
    expect((error as StageError).batchIndex).toBe(2);
    expect((error as Error).message).toMatch(/stage pair \(#1\), batch 2: reward too high/);
  });

  it('passes source errors through without blaming a stage', async () => {
    const op = buildPipeline({ registry: registry(), ctx: ctx(), sourceColumns: ['prompt_id', 'completion'], stages: [{ kind: 'score' }] });
    const bad = new DataError({ file: 'x.jsonl', row: 3, message: 'bad' });
    const error = await lastValueFrom(throwError(() => bad).pipe(op)).catch((e: unknown) => e);
    expect(error).toBe(bad);
  });
});
