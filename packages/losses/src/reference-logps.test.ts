import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, initBackend, makeBatch, readFloat32, StageError, tf, tokenListVector, type Batch } from '@prefstream/core';
import { from, lastValueFrom, take, toArray, type Observable } from 'rxjs';
import { referenceLogps } from './reference-logps.js';
import { testContext } from './test-support/stage-context.js';
import { TabularPolicy } from './test-support/tabular-policy.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const LOGITS = [0.5, -1, 0.25];
const logSoftmax = (logits: number[]) => {
  const z = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
  return logits.map((l) => l - z);
};

let dir: string;
let models: TabularPolicy[] = [];
let baseline: number;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ref-logps-'));
  baseline = tf.memory().numTensors;
});
afterEach(async () => {
  models.forEach((m) => m.dispose());
  models = [];
  expect(tf.memory().numTensors).toBe(baseline);
  await rm(dir, { recursive: true, force: true });
});

const model = (logits = LOGITS) => {
  const m = new TabularPolicy({ arms: 3, logits });
  models.push(m);
  return m;
};

/** Pairs of arms (prompt = [0]); one completion may hold several tokens. */
const pairBatch = (chosen: number[][], rejected: number[][]): Batch =>
  makeBatch({ prompt_ids: tokenListVector(chosen.map(() => [0])), chosen_ids: tokenListVector(chosen), rejected_ids: tokenListVector(rejected) });

const BATCHES = () => [pairBatch([[0], [1, 2], [2]], [[1], [0], [0, 0]]), pairBatch([[2]], [[1]])];

function run(reference: TabularPolicy, batches: Batch[], options: Record<string, unknown> = {}, workDir?: string): Observable<Batch> {
  const parsed = referenceLogps.options.parse({ cacheDir: dir, ...options });
  return from(batches).pipe(referenceLogps.create(parsed, testContext({ reference }, workDir ? { workDir } : {}))) as Observable<Batch>;
}
const collect = (o: Observable<Batch>) => lastValueFrom(o.pipe(toArray()));
const column = (b: Batch, name: string) => Array.from(readFloat32(b, name));

describe('referenceLogps', () => {
  it('adds ref_chosen_logps / ref_rejected_logps = Σ log π_ref over completion tokens', async () => {
    const [first] = await collect(run(model(), BATCHES(), { cache: false }));
    const lp = logSoftmax(LOGITS);
    const expected = {
      ref_chosen_logps: [lp[0]!, lp[1]! + lp[2]!, lp[2]!],
      ref_rejected_logps: [lp[1]!, lp[0]!, 2 * lp[0]!],
    };
    for (const [name, values] of Object.entries(expected)) column(first!, name).forEach((v, i) => expect(v).toBeCloseTo(values[i]!, 6));
    expect(column(first!, 'ref_chosen_logps')).toHaveLength(3);
    expect(first!.getChild('prompt_ids')).toBeTruthy(); // input columns kept
  });

  it('runs microBatchSize sequences per forward: 3 pairs = 6 sequences at 2 per call = 3 calls', async () => {
    const m = model();
    await collect(run(m, [BATCHES()[0]!], { cache: false, microBatchSize: 2 }));
    expect(m.calls).toBe(3);
  });

  it('single completions: completion_ids → ref_logps', async () => {
    const batch = makeBatch({ prompt_ids: tokenListVector([[0], [0]]), completion_ids: tokenListVector([[2], [1]]) });
    const [out] = await collect(run(model(), [batch], { completions: 'single', cache: false }));
    const lp = logSoftmax(LOGITS);
    column(out!, 'ref_logps').forEach((v, i) => expect(v).toBeCloseTo([lp[2]!, lp[1]!][i]!, 6));
    expect(referenceLogps.requires(referenceLogps.options.parse({ completions: 'single' }))).toEqual(['prompt_ids', 'completion_ids']);
    expect(referenceLogps.produces(referenceLogps.options.parse({}))).toEqual(['ref_chosen_logps', 'ref_rejected_logps']);
  });

  it('a second streaming run reads the cache and never calls the model; files are complete .arrow only', async () => {
    const first = model();
    const a = await collect(run(first, BATCHES()));
    expect(first.calls).toBeGreaterThan(0);
    const second = model(); // same weights ⇒ same fingerprint
    // the second run pulls its batches lazily from an async generator, as a streaming source does
    async function* stream() {
      for (const batch of BATCHES()) yield batch;
    }
    const parsed = referenceLogps.options.parse({ cacheDir: dir });
    const b = await collect(from(stream()).pipe(referenceLogps.create(parsed, testContext({ reference: second }))) as Observable<Batch>);
    expect(second.calls).toBe(0);
    for (const name of ['ref_chosen_logps', 'ref_rejected_logps']) expect(b.map((x) => column(x, name))).toEqual(a.map((x) => column(x, name)));
    const files = await readdir(dir);
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.arrow'))).toBe(true);
  });

  it('a changed reference never reuses a stale cache', async () => {
    await collect(run(model(), BATCHES()));
    const changed = model([0, 0, 0]);
    const [out] = await collect(run(changed, BATCHES()));
    expect(changed.calls).toBeGreaterThan(0);
    expect(column(out!, 'ref_chosen_logps')[0]).toBeCloseTo(Math.log(1 / 3), 6);
  });

  it('different ids or template miss the cache; a corrupt file is recomputed and replaced', async () => {
    await collect(run(model(), BATCHES()));
    const other = model();
    await collect(run(other, BATCHES(), { template: 'chatml' }));
    expect(other.calls).toBeGreaterThan(0);
    for (const f of await readdir(dir)) await writeFile(path.join(dir, f), 'not arrow');
    const again = model();
    const [out] = await collect(run(again, BATCHES()));
    expect(again.calls).toBeGreaterThan(0);
    expect(column(out!, 'ref_chosen_logps')[0]).toBeCloseTo(logSoftmax(LOGITS)[0]!, 6);
    const reread = model();
    await collect(run(reread, BATCHES()));
    expect(reread.calls).toBe(0);
  });

  it('caches under ctx.workDir when no cacheDir is given', async () => {
    const parsed = referenceLogps.options.parse({});
    const m = model();
    await lastValueFrom(from(BATCHES()).pipe(referenceLogps.create(parsed, testContext({ reference: m }, { workDir: dir }))));
    expect(await readdir(path.join(dir, 'cache', 'reference-logps'))).toHaveLength(2);
  });

  it('leaks nothing on early unsubscribe, also while a batch is in flight', async () => {
    const out = await lastValueFrom(run(model(), [...BATCHES(), ...BATCHES()], { cache: false }).pipe(take(1), toArray()));
    expect(out).toHaveLength(1);
    const m = model();
    const subscription = run(m, BATCHES(), { cache: false }).subscribe();
    expect(m.calls).toBe(1); // the first forward ran; reading its result is still pending
    subscription.unsubscribe();
    // the abandoned read settles and its `finally` disposes the result: only the 2 models' variables remain
    await vi.waitFor(() => expect(tf.memory().numTensors).toBe(baseline + 2), { timeout: 10_000 });
    expect(m.calls).toBe(1);
  });

  it('errors name stage, batch and column; unknown resources are config errors', async () => {
    const bad = makeBatch({ prompt_ids: tokenListVector([[0]]), chosen_ids: tokenListVector([[1]]) });
    const error = await collect(run(model(), [BATCHES()[1]!, bad])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as Error).message).toMatch(/stage referenceLogps, batch 1: .*rejected_ids/);
    expect(() => run(model(), [], { reference: 'sft' })).toThrow(ConfigError);
    expect(() => run(model(), [], { tokenizer: 'tok' })).toThrow(/no resource named "tok"/);
  });
});
