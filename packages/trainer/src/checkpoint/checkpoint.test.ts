import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, map, range, toArray } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { initBackend, Rng, tf, type FlowItem } from '@prefstream/core';
import { createOptimizer, type Optimizer } from '../optim/optimizer.js';
import { applyUpdates, ApplyUpdatesOptions } from '../stages/apply-updates.js';
import { BigramModel } from '../test-support/bigram-model.js';
import { makeRows, nllGradients } from '../test-support/nll-gradients.js';
import { testContext } from '../test-support/test-context.js';
import { loadLatestCheckpoint, restoreOptimizer, restoreVariables } from './load-latest-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

const V = 5;
const config = { name: 'adamw', learningRate: 0.05, weightDecay: 0.1, schedule: { kind: 'cosine', warmupSteps: 2, totalSteps: 8 } } as const;
const dirs: string[] = [];

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'prefstream-ckpt-'));
  dirs.push(dir);
  return dir;
}

/** Trains rows [from, to) of a stream whose row i depends on an rng draw, one row pair per step. */
async function train(model: BigramModel, optimizer: Optimizer, rng: Rng, from: number, to: number): Promise<Record<string, number>[]> {
  const stage = applyUpdates.create(ApplyUpdatesOptions.parse({ optimizerResource: 'opt' }), testContext({ policy: model, opt: optimizer }));
  const items = range(from, to - from).pipe(map((i) => nllGradients(model, makeRows(2, V, i * 2 + rng.int(3))) as FlowItem));
  const rows = await lastValueFrom(items.pipe(stage, map((b) => b as RecordBatch), toArray()));
  return rows.map((b) => ({ step: Number(b.getChild('step')!.get(0)), loss: Number(b.getChild('loss')!.get(0)) }));
}

describe('saveCheckpoint / loadLatestCheckpoint', () => {
  it('resume from a checkpoint continues to exactly the uninterrupted result', async () => {
    const dir = await runDir();
    const straight = new BigramModel(V, 11);
    const straightOpt = createOptimizer(config, straight.trainableVariables());
    await train(straight, straightOpt, new Rng(5), 0, 6);

    const first = new BigramModel(V, 11);
    const firstOpt = createOptimizer(config, first.trainableVariables());
    const rng = new Rng(5);
    const metrics = await train(first, firstOpt, rng, 0, 3);
    const before = tf.memory().numTensors;
    await saveCheckpoint({ dir, model: first, optimizer: firstOpt, trainerState: { step: 3, epoch: 0.5, rng: { run: rng.state() }, streamPosition: { row: 3 }, metrics } });
    expect(tf.memory().numTensors).toBe(before);
    firstOpt.dispose();
    first.dispose();

    const latest = (await loadLatestCheckpoint(dir))!;
    expect(latest.dir).toBe(join(dir, 'checkpoint-3'));
    expect(latest.trainerState).toMatchObject({ step: 3, epoch: 0.5, streamPosition: { row: 3 }, metrics: [{ step: 1 }, { step: 2 }, { step: 3 }] });
    const resumed = new BigramModel(V, 99); // different initial weights: all must come from the checkpoint
    const resumedOpt = createOptimizer(config, resumed.trainableVariables());
    const countBefore = tf.memory().numTensors;
    await restoreVariables(latest.dir, resumed.trainableVariables());
    await restoreOptimizer(latest.dir, resumedOpt);
    expect(tf.memory().numTensors).toBe(countBefore);
    expect(resumedOpt.step).toBe(3);
    const position = (latest.trainerState.streamPosition as { row: number }).row;
    await train(resumed, resumedOpt, Rng.restore(latest.trainerState.rng.run!), position, 6);

    expect(resumed.weights()).toEqual(straight.weights());
    [straightOpt, resumedOpt, straight, resumed].forEach((x) => x.dispose());
  });

  it('keeps the newest k checkpoints and replaces a re-saved step', async () => {
    const dir = await runDir();
    const model = new BigramModel(V, 1);
    const opt = createOptimizer(config, model.trainableVariables());
    for (let step = 1; step <= 4; step++) {
      opt.step = step;
      await saveCheckpoint({ dir, model, optimizer: opt, trainerState: { step }, keepLast: 2 });
    }
    expect((await readdir(dir)).sort()).toEqual(['checkpoint-3', 'checkpoint-4']);
    await saveCheckpoint({ dir, model, optimizer: opt, trainerState: { step: 4, epoch: 2 }, keepLast: 2 });
    expect((await readdir(dir)).sort()).toEqual(['checkpoint-3', 'checkpoint-4']);
    expect((await loadLatestCheckpoint(dir))!.trainerState.epoch).toBe(2);
    expect((await readdir(join(dir, 'checkpoint-4'))).sort()).toEqual(['optimizer.safetensors', 'trainer_state.json', 'variables.safetensors']);
    opt.dispose();
    model.dispose();
  });

  it('a failure mid-write leaves no directory that looks complete, and the previous checkpoint stays the latest', async () => {
    const dir = await runDir();
    const model = new BigramModel(V, 1);
    const opt = createOptimizer(config, model.trainableVariables());
    opt.step = 1;
    await saveCheckpoint({ dir, model, optimizer: opt, trainerState: { step: 1 } });
    opt.step = 2;
    const failing = Object.assign(Object.create(model) as BigramModel, {
      async save(target: string) {
        await writeFile(join(target, 'config.json'), '{}'); // half of a Hugging Face directory…
        throw new Error('disk full'); // …then the failure
      },
    });
    await expect(saveCheckpoint({ dir, model: failing, optimizer: opt, trainerState: { step: 2 } })).rejects.toThrow(/disk full/);
    expect(await readdir(dir)).toEqual(['checkpoint-1']);
    expect((await loadLatestCheckpoint(dir))!.trainerState.step).toBe(1);
    opt.dispose();
    model.dispose();
  });

  it('never picks the temporary directory of a crashed write, nor an incomplete directory', async () => {
    const dir = await runDir();
    const model = new BigramModel(V, 1);
    const opt = createOptimizer(config, model.trainableVariables());
    opt.step = 1;
    const one = await saveCheckpoint({ dir, model, optimizer: opt, trainerState: { step: 1 } });
    await cp(one, join(dir, '.checkpoint-9.tmp-123-456'), { recursive: true }); // killed before the rename
    await mkdir(join(dir, 'checkpoint-8'));
    await cp(join(one, 'optimizer.safetensors'), join(dir, 'checkpoint-8', 'optimizer.safetensors')); // no trainer_state.json
    expect((await loadLatestCheckpoint(dir))!.dir).toBe(one);
    expect(await loadLatestCheckpoint(join(dir, 'nothing-here'))).toBeUndefined();
    opt.dispose();
    model.dispose();
  });

  it('rejects inconsistent state with errors that name the file or field', async () => {
    const dir = await runDir();
    const model = new BigramModel(V, 1);
    const opt = createOptimizer(config, model.trainableVariables());
    await expect(saveCheckpoint({ dir, model, optimizer: opt, trainerState: { step: 5 } })).rejects.toThrow(/trainerState.step is 5 but the optimizer has applied 0/);
    await expect(saveCheckpoint({ dir, model, optimizer: opt, trainerState: { step: 0 }, keepLast: 0 })).rejects.toThrow();
    const saved = await saveCheckpoint({ dir, model, optimizer: opt, trainerState: { step: 0 } });
    const file = join(saved, 'trainer_state.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...json, step: 7 }));
    await expect(loadLatestCheckpoint(dir)).rejects.toThrow(/trainer_state.json, field "step": is 7 in a directory named for step 0/);
    await writeFile(file, '{ not json');
    await expect(loadLatestCheckpoint(dir)).rejects.toThrow(/trainer_state.json: not valid JSON/);
    const other = createOptimizer({ name: 'sgd', momentum: 0.9 }, model.trainableVariables());
    await expect(restoreOptimizer(saved, other)).rejects.toThrow(/missing "trace\/bigram.bias"/);
    [opt, other, model].forEach((x) => x.dispose());
  });
});
