import { lastValueFrom, of, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, makeBatch, tf, tokenListVector, type FlowItem, type GradientBatch, type Tensor1D } from '@prefstream/core';
import { CausalLM, packSequences, parseModelConfig } from '@prefstream/model';
import { RewardModel } from '@prefstream/reward';
import { testContext } from '../../test-support/test-context.js';
import { rewardModelLoss, RewardModelLossOptions } from './reward-model-loss.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('rewardModelLoss', () => {
  it('is mean −logσ(r_w − r_l) with TRL metrics and a gradient for the score head, no leaks', async () => {
    const lm = CausalLM.random(parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 16 }), 2);
    const model = RewardModel.fromLanguageModel(lm, 5);
    const prompts = [[1, 2], [3]];
    const chosen = [[4, 5], [6]];
    const rejected = [[7], [8, 9]];
    const packed = packSequences([...prompts, ...prompts], [...chosen, ...rejected], { padSide: 'right', padTokenId: 0 });
    const r = tf.tidy(() => (model.rewards(packed) as Tensor1D).arraySync());
    const gaps = [r[0]! - r[2]!, r[1]! - r[3]!];
    const expected = gaps.reduce((sum, g) => sum + Math.log1p(Math.exp(-g)), 0) / 2; // −logσ(g) = log(1 + e^{−g})
    const before = tf.memory().numTensors;
    const op = rewardModelLoss.create(RewardModelLossOptions.parse({ model: 'rm' }), testContext({ rm: model }));
    const items = await lastValueFrom(of<FlowItem>(makeBatch({ prompt_ids: tokenListVector(prompts), chosen_ids: tokenListVector(chosen), rejected_ids: tokenListVector(rejected) })).pipe(op, toArray()));
    const out = items[0] as GradientBatch;
    expect(out.loss).toBeCloseTo(expected, 5);
    expect(out.metrics['rewards/margins']).toBeCloseTo((gaps[0]! + gaps[1]!) / 2, 5);
    expect(out.metrics['rewards/accuracies']).toBe(gaps.filter((g) => g > 0).length / 2);
    expect(Object.keys(out.gradients)).toContain('score.weight');
    tf.dispose(Object.values(out.gradients));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
