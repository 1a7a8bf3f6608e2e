import { lastValueFrom, of, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { float32Vector, initBackend, makeBatch, tf, tokenListVector, type FlowItem, type GradientBatch } from '@prefstream/core';
import { CausalLM, packSequences, parseModelConfig } from '@prefstream/model';
import { testContext } from '../../test-support/test-context.js';
import { nllLoss, NllLossOptions } from './nll-loss.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('nllLoss', () => {
  it('is Σ_b w_b·NLL_b / Σ_b w_b·|y_b| (token-level weighted NLL) with a gradient for every weight, no leaks', async () => {
    const policy = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 16 }), 4);
    const prompts = [[1, 2], [3]];
    const completions = [[4, 5, 6], [7]];
    const weights = [1, 0.25];
    const batch = makeBatch({ prompt_ids: tokenListVector(prompts), completion_ids: tokenListVector(completions), weight: float32Vector(weights) });
    // Expected, from the policy's own summed log-probs: (1·(−lp₀) + 0.25·(−lp₁)) / (1·3 + 0.25·1)
    const lp = tf.tidy(() => policy.sequenceLogps(packSequences(prompts, completions, { padSide: 'right', padTokenId: 0 })).logps.arraySync() as number[]);
    const expected = (weights[0]! * -lp[0]! + weights[1]! * -lp[1]!) / (3 * weights[0]! + 1 * weights[1]!);
    const before = tf.memory().numTensors;
    const op = nllLoss.create(NllLossOptions.parse({ weightColumn: 'weight' }), testContext({ policy }));
    const items = await lastValueFrom(of<FlowItem>(batch).pipe(op, toArray()));
    const out = items[0] as GradientBatch | undefined;
    expect(out!.loss).toBeCloseTo(expected, 5);
    expect(out!.rows).toBe(2);
    expect(Object.keys(out!.gradients).sort()).toEqual([...policy.trainableVariables().keys()].sort());
    tf.dispose(Object.values(out!.gradients));
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('names the row of a negative weight', async () => {
    const policy = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 16 }), 4);
    const batch = makeBatch({ prompt_ids: tokenListVector([[1]]), completion_ids: tokenListVector([[2]]), weight: float32Vector([-1]) });
    const op = nllLoss.create(NllLossOptions.parse({ weightColumn: 'weight' }), testContext({ policy }));
    await expect(lastValueFrom(of<FlowItem>(batch).pipe(op))).rejects.toThrow(/nllLoss.*row 0.*weight -1/);
    policy.dispose();
  });
});
