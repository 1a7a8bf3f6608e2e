/**
 * Reads the reference expectations written by tools/parity/reference.py
 * (packages/model/fixtures/<name>.expected.json) and compares logits against them.
 * Test support only: not exported from the package.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** packages/model/fixtures */
export const FIXTURES_DIR = path.resolve(import.meta.dirname, '../../fixtures');
/** The real transformers-written GPT-2 checkpoint shared by the repository's tests. */
export const HF_GPT2_TINY_DIR = path.resolve(import.meta.dirname, '../../../..', '../shared/fixtures/hf-gpt2-tiny');
/** The random-weight HF directories under packages/model/fixtures. */
export const RANDOM_FIXTURES = ['gpt2', 'llama-gqa', 'llama-bf16', 'qwen2'] as const;

/** One padded batch and the reference logits of its real positions. */
export interface ExpectedBatch {
  name: string;
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
  /** [b][t] → logits over the vocabulary (or `vocab_slice`), null at padded positions. */
  logits: (number[] | null)[][];
  /** [b][t] → log Σ_v exp(logit_v) over the full vocabulary, when only a slice is stored. */
  logsumexp?: (number | null)[][];
}

export interface Expectations {
  fixture: string;
  tolerance: number;
  /** [lo, hi): the vocabulary ids stored in `logits` (all when absent). */
  vocab_slice?: [number, number];
  batches: ExpectedBatch[];
}

export function readExpectations(name: string): Expectations {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, `${name}.expected.json`), 'utf8')) as Expectations;
}

/**
 * Max |actual − expected| over the real positions of a batch.
 * @param actual (B·T·V) row-major logits of the whole vocabulary.
 */
export function maxLogitDiff(actual: Float32Array, V: number, batch: ExpectedBatch, slice?: [number, number]): number {
  const [lo, hi] = slice ?? [0, V];
  const T = batch.input_ids[0]!.length;
  let worst = 0;
  let compared = 0;
  batch.logits.forEach((row, b) =>
    row.forEach((values, t) => {
      if (values === null) return;
      if (values.length !== hi - lo) throw new Error(`expectation row [${b}][${t}] has ${values.length} logits, expected ${hi - lo}`);
      const base = (b * T + t) * V + lo;
      values.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(actual[base + i]! - v));
        compared++;
      });
    }),
  );
  if (compared === 0) throw new Error(`batch ${batch.name} compares no logits`);
  return worst;
}

/** Max |logsumexp(actual row) − expected| over real positions (the full row, through one number). */
export function maxLogsumexpDiff(actual: Float32Array, V: number, batch: ExpectedBatch): number {
  const T = batch.input_ids[0]!.length;
  let worst = 0;
  (batch.logsumexp ?? []).forEach((row, b) =>
    row.forEach((expected, t) => {
      if (expected === null) return;
      const base = (b * T + t) * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, actual[base + v]!);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(actual[base + v]! - max);
      worst = Math.max(worst, Math.abs(max + Math.log(sum) - expected));
    }),
  );
  return worst;
}
