import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatMap, map, timer } from 'rxjs';
import { z } from 'zod';
import { defineStage, type Batch, type FlowItem } from '../stage/stage.js';
import { createRng } from '../rng/rng.js';
import { readFloat32, readStrings, withColumns } from '../batch/columns.js';
import { float32Vector } from '../batch/vectors.js';
import { StageRegistry } from '../pipeline/stage-registry.js';
import { buildPipeline } from '../pipeline/build-pipeline.js';
import { readJsonl } from '../sources/read-jsonl.js';
import { readParquet } from '../sources/read-parquet.js';
import { writeParquet } from '../sinks/write-parquet.js';
import { fromSource } from './from-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prefstream-gated-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A slow stage (2 ms per batch) that scores completions by length. */
const score = defineStage({
  kind: 'score',
  options: z.strictObject({}),
  input: 'batch',
  output: 'batch',
  requires: () => ['completion'],
  produces: () => ['reward'],
  create: () =>
    concatMap((item: FlowItem) =>
      timer(2).pipe(map(() => withColumns(item as Batch, { reward: float32Vector(readStrings(item as Batch, 'completion').map((c) => c.length)) }))),
    ),
});

describe('file → gated source → pipeline → sink', () => {
  it('streams a file through a slow stage into a sink with at most maxInFlight batches pulled ahead', async () => {
    const input = join(dir, 'completions.jsonl');
    const rows = Array.from({ length: 300 }, (_, i) => JSON.stringify({ prompt_id: `p${Math.floor(i / 4)}`, completion: 'x'.repeat(i % 7) }));
    await writeFile(input, rows.join('\n'));
    let pulled = 0;
    let written = 0;
    let maxAhead = 0;
    async function* counting() {
      for await (const batch of readJsonl(input, { batchRows: 16, groupBy: 'prompt_id' })) {
        pulled++;
        yield batch;
      }
    }
    const source = fromSource(counting(), { maxInFlight: 2 });
    const run = buildPipeline({ registry: new StageRegistry().register(score), stages: [{ kind: 'score' }], sourceColumns: ['prompt_id', 'completion'], ctx: {
      rng: createRng(1), log: { info() {}, warn() {}, error() {} }, metrics: { record() {} }, resources: new Map(),
    } });
    const output = join(dir, 'scored.parquet');
    const result = await writeParquet(
      output,
      source.pipe(
        run,
        map((item) => {
          maxAhead = Math.max(maxAhead, pulled - written);
          written++;
          return item as Batch;
        }),
        source.acknowledge(),
      ),
    );
    expect(result.rows).toBe(300);
    expect(maxAhead).toBeLessThanOrEqual(2);
    const rewards: number[] = [];
    for await (const batch of readParquet(output, { columns: ['prompt_id', 'reward'] })) rewards.push(...readFloat32(batch, 'reward'));
    expect(rewards).toEqual(Array.from({ length: 300 }, (_, i) => i % 7));
  });
});
