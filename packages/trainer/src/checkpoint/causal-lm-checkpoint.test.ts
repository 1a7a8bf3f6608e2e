/**
 * Checkpoints of a real `CausalLM` (tiny random GPT-2): the model part is a Hugging Face directory
 * written by `model.save`, reloaded with `CausalLM.load`, and training resumes to the same weights.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, map, range } from 'rxjs';
import { initBackend, type FlowItem } from '@prefstream/core';
import { CausalLM, parseModelConfig } from '@prefstream/model';
import { createOptimizer, type Optimizer } from '../optim/optimizer.js';
import { applyUpdates, ApplyUpdatesOptions } from '../stages/apply-updates.js';
import { makeRows, nllGradients } from '../test-support/nll-gradients.js';
import { testContext } from '../test-support/test-context.js';
import { loadLatestCheckpoint, restoreOptimizer } from './load-latest-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

const V = 16;
const hf = { model_type: 'gpt2', vocab_size: V, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 8 };
const config = { name: 'adamw', learningRate: 0.01 } as const;
let dir = '';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function train(model: CausalLM, optimizer: Optimizer, from: number, to: number): Promise<void> {
  const stage = applyUpdates.create(ApplyUpdatesOptions.parse({ optimizerResource: 'opt' }), testContext({ policy: model, opt: optimizer }));
  await lastValueFrom(range(from, to - from).pipe(map((i) => nllGradients(model, makeRows(2, V, 2 * i)) as FlowItem), stage));
}

const weights = (m: CausalLM) => Object.fromEntries([...m.trainableVariables()].map(([k, v]) => [k, v.dataSync()]));

describe('checkpoint of a CausalLM', () => {
  it('saves a Hugging Face directory and resumes to the uninterrupted result', async () => {
    dir = await mkdtemp(join(tmpdir(), 'prefstream-lm-'));
    const straight = CausalLM.random(parseModelConfig(hf), 3);
    const straightOpt = createOptimizer(config, straight.trainableVariables());
    await train(straight, straightOpt, 0, 4);

    const first = CausalLM.random(parseModelConfig(hf), 3);
    const firstOpt = createOptimizer(config, first.trainableVariables());
    await train(first, firstOpt, 0, 2);
    const saved = await saveCheckpoint({ dir, model: first, optimizer: firstOpt, trainerState: { step: 2, streamPosition: 2 } });
    expect(await readdir(saved)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'optimizer.safetensors', 'trainer_state.json']));
    firstOpt.dispose();
    first.dispose();

    const latest = (await loadLatestCheckpoint(dir))!;
    const resumed = await CausalLM.load(latest.dir);
    const resumedOpt = createOptimizer(config, resumed.trainableVariables());
    await restoreOptimizer(latest.dir, resumedOpt);
    await train(resumed, resumedOpt, latest.trainerState.streamPosition as number, 4);

    expect(weights(resumed)).toEqual(weights(straight));
    [straightOpt, resumedOpt, straight, resumed].forEach((x) => x.dispose());
  });
});
