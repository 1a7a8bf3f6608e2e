import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { initBackend, makeBatch, readFloat32, readStrings, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { CausalLM, loadTokenizer } from '@prefstream/model';
import { generateCandidates, GenerateCandidatesOptions } from '../generate-candidates.js';
import { testContext } from '../test-support/test-context.js';
import { saveTinyCheckpoint } from '../test-support/tiny-model.js';

const prompts = makeBatch({ prompt_id: utf8Vector(['p1', 'p2', 'p3']), prompt: utf8Vector(['hello ', 'a cat ', 'zz ']) });
const sampling = { n: 3, maxNewTokens: 4, temperature: 0.7, topK: 10 };
const rows = (bs: Batch[]) => bs.flatMap((b) => readStrings(b, 'prompt_id').map((id, i) => `${id}:${readStrings(b, 'completion')[i]}:${readFloat32(b, 'completion_logps')[i]!.toFixed(4)}`));

describe('workers engine on a real checkpoint (CausalLM.save → CausalLM.load in each thread)', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', log: () => {} });
    dir = await mkdtemp(path.join(tmpdir(), 'sampler-ckpt-'));
    await saveTinyCheckpoint(dir, 3);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('2 threads give the same candidates as the in-process model with the same seeds', async () => {
    const pooled = GenerateCandidatesOptions.parse({ ...sampling, engine: { kind: 'workers', checkpoint: dir, workers: 2, backend: 'wasm' } });
    const t = testContext(5);
    const viaWorkers = (await lastValueFrom(from([prompts] as FlowItem[]).pipe(generateCandidates.create(pooled, t.ctx), toArray<FlowItem>()))) as Batch[];
    // A thread still loading when the last prompt is done is terminated before it reports.
    const loaded = t.logs.filter((l) => /worker \d loaded /.test(l));
    expect(loaded.length).toBeGreaterThanOrEqual(1);
    expect(loaded.every((l) => l.endsWith('on backend wasm'))).toBe(true);

    const tokenizer = await loadTokenizer(dir);
    const model = await CausalLM.load(dir, { tokenizer });
    try {
      const local = GenerateCandidatesOptions.parse(sampling);
      const inProcess = (await lastValueFrom(from([prompts] as FlowItem[]).pipe(generateCandidates.create(local, testContext(5, { policy: model, tokenizer }).ctx), toArray<FlowItem>()))) as Batch[];
      expect(rows(viaWorkers)).toEqual(rows(inProcess));
      expect(viaWorkers[0]!.numRows).toBe(9);
    } finally {
      model.dispose();
    }
  });
});
