/**
 * The training path's log-probs (`sequenceLogps` via `computeLogps` on a `packSequences` batch)
 * against the log-softmax of the PyTorch reference logits, both padding sides. This is what every
 * preference loss consumes, so it is checked against the outside world, not only `forward`.
 */
import path from 'node:path';
import { initBackend } from '@prefstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalLM } from '../causal-lm.js';
import { computeLogps } from '../compute-logps.js';
import { packSequences } from '../pack-sequences.js';
import { FIXTURES_DIR, readExpectations } from './expected-logits.js';

/** log softmax(logits)[id] in float64. */
function logSoftmaxAt(logits: readonly number[], id: number): number {
  const max = Math.max(...logits);
  return logits[id]! - max - Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe.each(['gpt2', 'llama-gqa', 'qwen2'])('sequence log-probs against the reference: %s', (name) => {
  const expected = readExpectations(name);
  let model: CausalLM;
  beforeAll(async () => {
    model = await CausalLM.load(path.join(FIXTURES_DIR, name));
  });
  afterAll(() => model.dispose());

  it.each(expected.batches.map((b) => [b.name, b] as const))('%s: per-token and summed completion log-probs within 1e-4', async (label, batch) => {
    // Each row's real tokens: the first 2 are the prompt, the rest the completion. Packing them on
    // the same side with the same pad id reproduces the expectation batch's layout exactly.
    const rows = batch.input_ids.map((ids, b) => ids.filter((_, t) => batch.attention_mask[b]![t] === 1));
    const padTokenId = batch.input_ids.flat().find((_, i) => batch.attention_mask.flat()[i] === 0)!;
    const packed = packSequences(rows.map((r) => r.slice(0, 2)), rows.map((r) => r.slice(2)), { padSide: label.startsWith('left') ? 'left' : 'right', padTokenId });
    expect(Array.from(packed.inputIds)).toEqual(batch.input_ids.flat());
    const { logps, tokenLogps } = await computeLogps(model, packed);
    rows.forEach((row, b) => {
      const first = batch.attention_mask[b]!.indexOf(1); // index of the row's first real token
      const want = row.slice(2).map((id, i) => logSoftmaxAt(batch.logits[b]![first + 1 + i]!, id));
      expect(tokenLogps[b]!.length).toBe(want.length);
      want.forEach((w, i) => expect(Math.abs(tokenLogps[b]![i]! - w)).toBeLessThanOrEqual(1e-4));
      expect(Math.abs(logps[b]! - want.reduce((s, v) => s + v, 0))).toBeLessThanOrEqual(1e-4 * want.length);
    });
  });
});
