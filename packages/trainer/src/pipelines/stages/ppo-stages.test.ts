import { lastValueFrom, of, take, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { float32Vector, initBackend, makeBatch, readFloat32, tf, tokenListVector, type Batch, type FlowItem, type GradientBatch } from '@prefstream/core';
import { floatListVector, readFloatLists } from '@prefstream/losses';
import { CausalLM, packSequences, parseModelConfig } from '@prefstream/model';
import { PolicyWithValueHead } from '../../models/policy-with-value-head.js';
import { applyUpdates, ApplyUpdatesOptions } from '../../stages/apply-updates.js';
import { testContext } from '../../test-support/test-context.js';
import { gae, tokenRewards, whiten } from './ppo-advantages.js';
import { completionPositions, gatherRows, PPO_ADVANTAGES, PPO_RETURNS, PPO_VALUES } from './ppo-columns.js';
import { ppoEpochs, PpoEpochsOptions } from './ppo-epochs.js';
import { ppoLoss, PpoLossOptions } from './ppo-loss.js';
import { ppoRollout, PpoRolloutOptions } from './ppo-rollout.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

const CONFIG = parseModelConfig({ model_type: 'gpt2', vocab_size: 16, n_embd: 8, n_layer: 1, n_head: 2, n_positions: 16 });
const PROMPTS = [[1, 2], [3], [4, 5], [6]];
const COMPLETIONS = [[7, 8, 9], [10], [11, 12], [13, 14]];
const SCORES = [0.3, -0.2, 0.1, 0.4];

function policyModel(): PolicyWithValueHead {
  const model = PolicyWithValueHead.fromLanguageModel(CausalLM.random(CONFIG, 1), 2);
  tf.tidy(() => model.bias.assign(tf.tensor1d([0.25])));
  return model;
}

/** The model's own per-token log-probs and values, as lists. */
function ownTokens(model: PolicyWithValueHead): { logps: Float32Array[]; values: Float32Array[] } {
  const packed = packSequences(PROMPTS, COMPLETIONS, { padSide: 'right', padTokenId: 0 });
  const at = completionPositions(packed);
  return tf.tidy(() => ({
    logps: gatherRows(model.sequenceLogps(packed).tokenLogps.dataSync(), at),
    values: gatherRows(model.tokenValues(packed).dataSync(), at),
  }));
}

function rolloutInput(old: Float32Array[], ref: Float32Array[]): Batch {
  return makeBatch({
    prompt_ids: tokenListVector(PROMPTS),
    completion_ids: tokenListVector(COMPLETIONS),
    reward: float32Vector(SCORES),
    old_token_logps: floatListVector(old),
    ref_token_logps: floatListVector(ref),
  });
}

describe('ppoRollout', () => {
  it('writes values, whitened GAE advantages and returns from KL-shaped token rewards; TRL metrics; no leaks', async () => {
    const policy = policyModel();
    const { logps, values } = ownTokens(policy);
    const ref = logps.map((row) => row.map((x, t) => x - 0.1 * (t + 1)));
    const ctx = testContext({ policy });
    const options = PpoRolloutOptions.parse({ klCoef: 0.2, gamma: 0.9, lambda: 0.8 });
    const before = tf.memory().numTensors;
    const items: FlowItem[] = await lastValueFrom(of<FlowItem>(rolloutInput(logps, ref)).pipe(ppoRollout.create(options, ctx), toArray()));
    const out = items[0] as Batch | undefined;
    expect(tf.memory().numTensors).toBe(before);
    // Expected from the pure functions: r_t = −0.2·(lp − ref) (+ score last), GAE(0.9, 0.8), whiten.
    const estimates = logps.map((lp, b) => gae(tokenRewards(lp, ref[b]!, SCORES[b]!, 0.2), values[b]!, 0.9, 0.8));
    const advantages = whiten(estimates.map((e) => e.advantages));
    const gotValues = readFloatLists(out!, PPO_VALUES, 'test');
    const gotAdv = readFloatLists(out!, PPO_ADVANTAGES, 'test');
    const gotRet = readFloatLists(out!, PPO_RETURNS, 'test');
    for (let b = 0; b < PROMPTS.length; b++) {
      expect(gotValues[b]!.length).toBe(COMPLETIONS[b]!.length);
      values[b]!.forEach((v, t) => expect(gotValues[b]![t]).toBeCloseTo(v, 5));
      advantages[b]!.forEach((a, t) => expect(gotAdv[b]![t]).toBeCloseTo(a, 4));
      estimates[b]!.returns.forEach((r, t) => expect(gotRet[b]![t]).toBeCloseTo(r, 5));
    }
    const m = ctx.recorded.find((r) => r.meta?.stage === 'ppoRollout')!.values;
    // Σ_t (lp − ref) = 0.1·(1 + … + L) per row: L = 3, 1, 2, 2 → 0.6, 0.1, 0.3, 0.3; mean 0.325
    expect(m['objective/kl']).toBeCloseTo(0.325, 5);
    expect(m['objective/scores']).toBeCloseTo(0.15, 6);
    expect(m['objective/non_score_reward']).toBeCloseTo(-0.2 * 0.325, 5);
    expect(m['objective/rlhf_reward']).toBeCloseTo(0.15 - 0.2 * 0.325, 5);
    expect(m['objective/entropy']).toBeCloseTo(-logps.reduce((s, row) => s + row.reduce((a, x) => a + x, 0), 0) / 4, 4);
    policy.dispose();
  });

  it('frees its value forward when unsubscribed mid-batch', async () => {
    const policy = policyModel();
    const { logps } = ownTokens(policy);
    const before = tf.memory().numTensors;
    const subscription = of<FlowItem>(rolloutInput(logps, logps)).pipe(ppoRollout.create(PpoRolloutOptions.parse({ microBatchSize: 1 }), testContext({ policy }))).subscribe();
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('names the row whose lists do not match its completion', async () => {
    const policy = policyModel();
    const { logps } = ownTokens(policy);
    const short = logps.map((row, b) => (b === 2 ? row.slice(1) : row));
    const op = ppoRollout.create(PpoRolloutOptions.parse({}), testContext({ policy }));
    await expect(lastValueFrom(of<FlowItem>(rolloutInput(short, short)).pipe(op))).rejects.toThrow(/ppoRollout[\s\S]*row 2/);
    policy.dispose();
  });
});

describe('ppoEpochs → ppoLoss → applyUpdates', () => {
  it('at ρ = 1 the loss is −mean(A) + vf·½·mean((V − R)²) over the minibatch tokens', async () => {
    const policy = policyModel();
    const { logps, values } = ownTokens(policy);
    const adv = COMPLETIONS.map((c, b) => Float32Array.from(c, (_, t) => (b % 2 ? -1 : 1) * (t + 1) * 0.5));
    const ret = values.map((row) => row.map((v) => v + 0.1)); // within the value clip: (V − R)² = 0.01
    const batch = makeBatch({
      prompt_ids: tokenListVector(PROMPTS),
      completion_ids: tokenListVector(COMPLETIONS),
      old_token_logps: floatListVector(logps),
      [PPO_VALUES]: floatListVector(values),
      [PPO_ADVANTAGES]: floatListVector(adv),
      [PPO_RETURNS]: floatListVector(ret),
    });
    const before = tf.memory().numTensors;
    const items: FlowItem[] = await lastValueFrom(of<FlowItem>(batch).pipe(ppoLoss.create(PpoLossOptions.parse({ vfCoef: 0.5 }), testContext({ policy })), toArray()));
    const g = items[0] as GradientBatch | undefined;
    const all = adv.flatMap((a) => [...a]);
    const meanAdv = all.reduce((s, x) => s + x, 0) / all.length;
    expect(g!.metrics['loss/policy_avg']).toBeCloseTo(-meanAdv, 5);
    expect(g!.metrics['loss/value_avg']).toBeCloseTo(0.5 * 0.01, 5);
    expect(g!.loss).toBeCloseTo(-meanAdv + 0.5 * 0.5 * 0.01, 5);
    expect(g!.metrics['policy/clipfrac_avg']).toBe(0);
    expect(g!.metrics['val/ratio']).toBeCloseTo(1, 5);
    expect(Object.keys(g!.gradients)).toContain('v_head.summary.weight');
    tf.dispose(Object.values(g!.gradients));
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });

  it('re-emits a rollout epochs × miniBatches times, each minibatch scored by the weights after the previous update; no leaks', async () => {
    const policy = policyModel();
    const { logps, values } = ownTokens(policy);
    const ref = logps.map((row) => row.map((x) => x - 0.05));
    const ctx = testContext({ policy }, 7);
    const before = tf.memory().numTensors;
    const steps = await lastValueFrom(
      of<FlowItem>(rolloutInput(logps, ref)).pipe(
        ppoRollout.create(PpoRolloutOptions.parse({}), ctx),
        ppoEpochs.create(PpoEpochsOptions.parse({ epochs: 3, miniBatches: 2 }), ctx),
        ppoLoss.create(PpoLossOptions.parse({}), ctx),
        applyUpdates.create(ApplyUpdatesOptions.parse({ optimizer: { name: 'sgd', learningRate: 0.5, maxGradNorm: null } }), ctx),
        toArray(),
      ),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(steps).toHaveLength(6);
    const ratios = (steps as Batch[]).map((s) => readFloat32(s, 'val/ratio', 'test')[0]!);
    const rows = (steps as Batch[]).map((s) => readFloat32(s, 'step', 'test')[0]);
    expect(rows).toEqual([1, 2, 3, 4, 5, 6]);
    // The first minibatch is scored by the rollout's own weights; every later one after ≥ 1 update.
    expect(ratios[0]).toBeCloseTo(1, 5);
    for (const r of ratios.slice(1)) expect(Math.abs(r - 1)).toBeGreaterThan(1e-4);
    expect(values.length).toBe(4);
    policy.dispose();
  });

  it('stops re-emitting when the consumer unsubscribes early, leaking nothing', async () => {
    const policy = policyModel();
    const { logps } = ownTokens(policy);
    const ctx = testContext({ policy }, 7);
    const before = tf.memory().numTensors;
    const steps = await lastValueFrom(
      of<FlowItem>(rolloutInput(logps, logps)).pipe(
        ppoRollout.create(PpoRolloutOptions.parse({}), ctx),
        ppoEpochs.create(PpoEpochsOptions.parse({ epochs: 4, miniBatches: 2 }), ctx),
        ppoLoss.create(PpoLossOptions.parse({}), ctx),
        applyUpdates.create(ApplyUpdatesOptions.parse({ optimizer: { name: 'sgd', learningRate: 0.1 } }), ctx),
        take(3),
        toArray(),
      ),
    );
    expect(steps).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });
});
