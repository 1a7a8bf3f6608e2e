/**
 * Sampler throughput. (1) Rejection sampling (RSO Algorithm 1, β = 0.5, 8 of 64) and first-round
 * pairing on 1M scored candidates (15,625 prompts × 64): the pure typed-array functions, and the
 * `rejectionSample` → `buildPairs` stages over Arrow batches (256 prompts × 64 rows per batch).
 * (2) RSO-style generation, 64 candidates per prompt from a small random GPT-2: the `local` engine
 * (in-process) against the `workers` engine (1 and 2 threads), after each has loaded the model.
 *
 *   npx tsx --conditions=@prefstream/source tools/bench/src/sampler-throughput.ts [--quick]
 *
 * Writes tools/bench/results/sampler-throughput.json (.quick.json with --quick).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concat, from, lastValueFrom, tap, toArray, type Observable } from 'rxjs';
import { createRng, float32Vector, initBackend, makeBatch, tokenListVector, utf8Vector, type Batch, type FlowItem, type StageContext } from '@prefstream/core';
import { CausalLM, CharTokenizer, parseModelConfig, saveTokenizer } from '@prefstream/model';
import {
  buildPairs,
  BuildPairsOptions,
  firstRoundPairs,
  generateCandidates,
  GenerateCandidatesOptions,
  rejectionSample,
  RejectionSampleOptions,
  rejectionSampleIndices,
} from '@prefstream/sampler';

const quick = process.argv.includes('--quick');
const K = 64; // candidates per prompt (RSO)
const KEEP = 8; // accepted per prompt (RSO)
const BETA = 0.5;
const PROMPTS = quick ? 256 : 15_625; // 15,625 × 64 = 1,000,000 candidates
const PROMPTS_PER_BATCH = 256;
const REPEATS = quick ? 1 : 3; // the best of REPEATS timed runs is kept (shared, noisy machine)

function ctx(seed: number, resources: Record<string, unknown> = {}): StageContext {
  return { rng: createRng(seed), log: { info() {}, warn() {}, error() {} }, metrics: { record() {} }, resources: new Map(Object.entries(resources)) };
}

function best(times: number[]): number {
  return Math.min(...times);
}

/** (1a) The pure functions: per prompt, Algorithm 1 then first-round pairs of the accepted. */
function pureFunctions(rewards: Float32Array) {
  const rng = createRng(1);
  const uniform = () => rng.uniform();
  const rsoTimes: number[] = [];
  const pairTimes: number[] = [];
  let accepted = 0;
  let pairs = 0;
  let draws = 0;
  for (let r = 0; r < REPEATS; r++) {
    const keep: Float32Array[] = [];
    let t0 = performance.now();
    accepted = 0;
    draws = 0;
    for (let p = 0; p < PROMPTS; p++) {
      const own = rewards.subarray(p * K, (p + 1) * K);
      const result = rejectionSampleIndices(own, KEEP, BETA, uniform);
      accepted += result.indices.length;
      draws += result.draws;
      keep.push(Float32Array.from(result.indices, (i) => own[i]!));
    }
    rsoTimes.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    pairs = 0;
    for (const own of keep) pairs += firstRoundPairs(own, rng).length / 2;
    pairTimes.push((performance.now() - t0) / 1000);
  }
  const candidates = PROMPTS * K;
  return {
    candidates,
    accepted,
    acceptance_rate: accepted / draws,
    pairs,
    rejection_seconds: best(rsoTimes),
    rejection_candidates_per_second: candidates / best(rsoTimes),
    pairing_seconds: best(pairTimes),
    pairing_accepted_per_second: accepted / best(pairTimes),
  };
}

/** Arrow batches of PROMPTS_PER_BATCH prompts × K scored candidates (prompt_id, completion, completion_ids, reward). */
function scoredBatches(rewards: Float32Array): Batch[] {
  const batches: Batch[] = [];
  for (let start = 0; start < PROMPTS; start += PROMPTS_PER_BATCH) {
    const end = Math.min(PROMPTS, start + PROMPTS_PER_BATCH);
    const rows = (end - start) * K;
    const ids = new Array<string>(rows);
    const texts = new Array<string>(rows);
    const tokens = new Array<number[]>(rows);
    for (let i = 0; i < rows; i++) {
      const p = start + Math.floor(i / K);
      ids[i] = `p${p}`;
      texts[i] = `completion ${i % K} of prompt ${p}`;
      tokens[i] = [i % 97, (i * 7) % 97, (i * 13) % 97, 5];
    }
    batches.push(
      makeBatch({
        prompt_id: utf8Vector(ids),
        completion: utf8Vector(texts),
        completion_ids: tokenListVector(tokens),
        reward: float32Vector(rewards.slice(start * K, end * K)),
      }),
    );
  }
  return batches;
}

/** (1b) The stages over Arrow batches, timed separately (rejection, then pairing on its output). */
async function stages(batches: Batch[]) {
  const rsoTimes: number[] = [];
  const pairTimes: number[] = [];
  let accepted: Batch[] = [];
  let pairRows = 0;
  for (let r = 0; r < REPEATS; r++) {
    let t0 = performance.now();
    accepted = (await lastValueFrom(from(batches as FlowItem[]).pipe(rejectionSample.create(RejectionSampleOptions.parse({ numSamples: KEEP, beta: BETA }), ctx(1)), toArray<FlowItem>()))) as Batch[];
    rsoTimes.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const pairs = (await lastValueFrom(from(accepted as FlowItem[]).pipe(buildPairs.create(BuildPairsOptions.parse({}), ctx(2)), toArray<FlowItem>()))) as Batch[];
    pairTimes.push((performance.now() - t0) / 1000);
    pairRows = pairs.reduce((s, b) => s + b.numRows, 0);
  }
  const candidates = PROMPTS * K;
  const acceptedRows = accepted.reduce((s, b) => s + b.numRows, 0);
  return {
    batches: batches.length,
    rows_per_batch: PROMPTS_PER_BATCH * K,
    accepted_rows: acceptedRows,
    pair_rows: pairRows,
    rejection_seconds: best(rsoTimes),
    rejection_candidates_per_second: candidates / best(rsoTimes),
    pairing_seconds: best(pairTimes),
    pairing_accepted_per_second: acceptedRows / best(pairTimes),
  };
}

const MODEL = { model_type: 'gpt2', n_embd: 64, n_layer: 2, n_head: 2, n_positions: 128 };
const GEN = { n: K, maxNewTokens: quick ? 4 : 16, temperature: 0.7, topK: 40 };
const GEN_PROMPTS = quick ? 2 : 16;

function promptBatch(tag: string, count: number): Batch {
  const ids = Array.from({ length: count }, (_, i) => `${tag}${i}`);
  return makeBatch({ prompt_id: utf8Vector(ids), prompt: utf8Vector(ids.map((id) => `prompt ${id} says `)) });
}

/** Seconds the second batch took (the first, 2 prompts so both threads get one, warms up: model load, thread start, kernels). */
async function timeSecondBatch(op: (s: Observable<FlowItem>) => Observable<FlowItem>): Promise<{ seconds: number; rows: number; newTokens: number }> {
  let t0 = 0;
  let seconds = 0;
  let rows = 0;
  let newTokens = 0;
  let seen = 0;
  await lastValueFrom(
    concat(from([promptBatch('warm', 2), promptBatch('p', GEN_PROMPTS)] as FlowItem[])).pipe(
      op,
      tap((b) => {
        const batch = b as Batch;
        if (seen++ === 0) {
          t0 = performance.now();
          return;
        }
        seconds = (performance.now() - t0) / 1000;
        rows = batch.numRows;
        const ids = batch.getChild('completion_ids')!;
        for (let i = 0; i < ids.length; i++) newTokens += (ids.get(i) as { length: number }).length;
      }),
    ),
  );
  return { seconds, rows, newTokens };
}

/** (2) Generation: local engine vs a pool of 2 worker threads on the same checkpoint. */
async function generation() {
  const tokenizer = new CharTokenizer('abcdefghijklmnopqrstuvwxyz0123456789 ');
  const model = CausalLM.random(parseModelConfig({ ...MODEL, vocab_size: tokenizer.vocabSize }), 0);
  model.tokenizer = tokenizer;
  const dir = await mkdtemp(join(tmpdir(), 'sampler-bench-'));
  try {
    await model.save(dir);
    await saveTokenizer(tokenizer, dir);
    const local = await timeSecondBatch(generateCandidates.create(GenerateCandidatesOptions.parse(GEN), ctx(3, { policy: model, tokenizer })));
    const pool = (workers: number) =>
      timeSecondBatch(generateCandidates.create(GenerateCandidatesOptions.parse({ ...GEN, engine: { kind: 'workers', checkpoint: dir, workers, backend: 'wasm' } }), ctx(3)));
    const workers1 = await pool(1); // thread overhead alone, without parallelism
    const workers2 = await pool(2);
    const rate = (r: typeof local) => ({ ...r, candidates_per_second: r.rows / r.seconds, new_tokens_per_second: r.newTokens / r.seconds });
    return { model: MODEL, vocab_size: tokenizer.vocabSize, sampling: GEN, prompts: GEN_PROMPTS, local: rate(local), workers_1: rate(workers1), workers_2: rate(workers2) };
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const backend = await initBackend({ prefer: 'wasm', log: () => {} });
  const rng = createRng(20261129);
  const rewards = Float32Array.from({ length: PROMPTS * K }, () => rng.normal()); // (P·K,) N(0, 1) rewards
  const pure = pureFunctions(rewards);
  console.log('pure', pure);
  const arrow = await stages(scoredBatches(rewards));
  console.log('stages', arrow);
  const gen = await generation();
  console.log('generation', gen);
  const result = {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    backend: backend.name,
    load_average: (await import('node:os')).loadavg(),
    prompts: PROMPTS,
    candidates_per_prompt: K,
    num_samples: KEEP,
    beta: BETA,
    pure_functions: pure,
    arrow_stages: arrow,
    generation: gen,
  };
  const results = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(results, { recursive: true });
  const out = join(results, quick ? 'sampler-throughput.quick.json' : 'sampler-throughput.json');
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
