import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { buildPipeline, initBackend, makeBatch, readFloat32, readStrings, tf, utf8Vector, type Batch, type FlowItem } from '@prefstream/core';
import { CausalLM, extractVector, loadTokenizer, saveTokenizer } from '@prefstream/model';
import { testContext } from '../../test-support/test-context.js';
import { createStageRegistry } from '../stage-registry.js';

const BASE = path.resolve(fileURLToPath(import.meta.url), '../../../../../model/fixtures/gpt2');
let tmp = '';
const at = (name: string) => path.join(tmp, name);

/** Logits of a model directory on fixed ids, as plain numbers. */
async function logitsOf(dir: string): Promise<Float32Array> {
  const model = await CausalLM.load(dir);
  try {
    const logits = tf.tidy(() => model.forward(tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32')));
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return values;
  } finally {
    model.dispose();
  }
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  tmp = await mkdtemp(path.join(tmpdir(), 'apply-task-vector-'));
  // θ_tuned: another model of the same architecture and tokenizer; v = θ_tuned − θ_base.
  const base = await CausalLM.load(BASE);
  const tuned = CausalLM.random(base.config, 9);
  base.dispose();
  await tuned.save(at('tuned'));
  tuned.dispose();
  await saveTokenizer(await loadTokenizer(BASE), at('tuned'));
  await extractVector({ base: BASE, tuned: at('tuned'), out: at('vector') });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('applyTaskVector stage', () => {
  it('merges before the first batch, and the next stage evaluates the merged model', async () => {
    const ctx = testContext({});
    const pipeline = buildPipeline({
      registry: createStageRegistry(),
      ctx,
      sourceColumns: ['prompt_id', 'prompt'],
      stages: [
        { kind: 'applyTaskVector', target: BASE, vector: at('vector'), out: at('merged') },
        { kind: 'generateCandidates', n: 2, maxNewTokens: 3, temperature: 1, topK: 0, engine: { kind: 'workers', checkpoint: at('merged'), workers: 1 } },
      ],
    });
    const prompts = makeBatch({ prompt_id: utf8Vector(['a', 'b']), prompt: utf8Vector(['1+1=', '2+2=']) });
    const items = await lastValueFrom(from<FlowItem[]>([prompts]).pipe(pipeline, toArray()));
    const out = items as Batch[];
    expect(readStrings(out[0]!, 'prompt_id')).toEqual(['a', 'a', 'b', 'b']);
    readFloat32(out[0]!, 'completion_logps').forEach((lp) => expect(Number.isFinite(lp) && lp < 0).toBe(true));
    // base + (tuned − base) = tuned, up to float32 rounding of the two subtractions.
    const [merged, tuned] = [await logitsOf(at('merged')), await logitsOf(at('tuned'))];
    merged.forEach((v, i) => expect(Math.abs(v - tuned[i]!)).toBeLessThan(1e-5));
    expect(ctx.recorded.find((r) => r.meta?.stage === 'applyTaskVector')?.values).toMatchObject({ 'merge/tensors_written': expect.any(Number) });
  }, 60_000);

  it('refuses an existing output unless asked to reuse it, before reading any data', async () => {
    const run = (ifExists: 'fail' | 'reuse') => {
      const pipeline = buildPipeline({
        registry: createStageRegistry(),
        ctx: testContext({}),
        sourceColumns: ['prompt_id'],
        stages: [{ kind: 'applyTaskVector', target: BASE, vector: at('vector'), out: at('merged'), ifExists }],
      });
      return lastValueFrom(from<FlowItem[]>([makeBatch({ prompt_id: utf8Vector(['a']) })]).pipe(pipeline, toArray()));
    };
    await expect(run('fail')).rejects.toThrow(/applyTaskVector/);
    expect(await run('reuse')).toHaveLength(1);
    expect((await readdir(tmp)).filter((f) => f.startsWith('merged'))).toEqual(['merged']);
  });

  it('rejects an invalid include pattern when the config is parsed', () => {
    expect(() =>
      buildPipeline({ registry: createStageRegistry(), ctx: testContext({}), sourceColumns: [], stages: [{ kind: 'applyTaskVector', target: 'a', vector: 'b', out: 'c', include: '(' }] }),
    ).toThrow(/not a valid regular expression/);
  });
});
