import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type Tensor, type Tensor1D } from '@prefstream/core';
import { bradleyTerryLoss } from './bradley-terry-loss.js';
import { readMetrics } from './read-metrics.js';
import { expectClose, expectNoLeak } from './test-support/tensors.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
});

describe('bradleyTerryLoss', () => {
  it('−logσ(r_w − r_l) + c·(r_w + r_l)², metrics accuracy / margin / mean, min, max reward', () => {
    // rows (1, 0), (0.5, 0.5), (−1, 2):
    //   −logσ(1) = 0.3132616875, −logσ(0) = 0.6931471806, −logσ(−3) = 3.0485873516
    //   centering 0.01·(1, 1, 1) ⇒ +0.01 each
    const { losses, metrics } = tf.tidy(() => {
      const out = bradleyTerryLoss(
        { chosenRewards: tf.tensor1d([1, 0.5, -1]), rejectedRewards: tf.tensor1d([0, 0.5, 2]) },
        { centerRewardsCoefficient: 0.01 },
      );
      return { losses: Array.from(out.losses.dataSync()), metrics: readMetrics(out.metrics) };
    });
    [0.3232616875, 0.7031471806, 3.0585873516].forEach((e, i) => expectClose(losses[i]!, e));
    expectClose(metrics.accuracy!, 1 / 3); // the tie counts 0
    expectClose(metrics.margin!, (1 + 0 - 3) / 3);
    expectClose(metrics.mean_reward!, 3 / 6);
    expect(metrics.min_reward).toBe(-1);
    expect(metrics.max_reward).toBe(2);
  });

  it('subtracts a margin, and has gradient ∓σ(−(r_w − r_l)) (+ 2c(r_w + r_l))', () => {
    expectClose(tf.tidy(() => bradleyTerryLoss({ chosenRewards: tf.tensor1d([2]), rejectedRewards: tf.tensor1d([0]), margin: tf.tensor1d([1]) }).losses.dataSync()[0]!), 0.3132616875);
    // r = (1, 0), c = 0.5: ∂/∂r_w = −σ(−1) + 2·0.5·1 = 0.7310585786; ∂/∂r_l = σ(−1) + 1 = 1.2689414214
    const [gw, gl] = tf.tidy(() =>
      tf.grads((w: Tensor, l: Tensor) => bradleyTerryLoss({ chosenRewards: w as Tensor1D, rejectedRewards: l as Tensor1D }, { centerRewardsCoefficient: 0.5 }).losses.sum())([
        tf.tensor1d([1]),
        tf.tensor1d([0]),
      ]).map((g) => g.dataSync()[0]!),
    );
    expectClose(gw!, 0.7310585786);
    expectClose(gl!, 1.2689414214);
  });

  it('is finite for reward gaps of ±1e9', () => {
    const values = tf.tidy(() => Array.from(bradleyTerryLoss({ chosenRewards: tf.tensor1d([1e9, -1e9]), rejectedRewards: tf.tensor1d([-1e9, 1e9]) }).losses.dataSync()));
    expect(values[0]).toBe(0);
    expectClose(values[1]!, 2e9);
  });

  it('rejects mismatched shapes and unknown options; leaves no tensor behind', async () => {
    expect(() => tf.tidy(() => void bradleyTerryLoss({ chosenRewards: tf.tensor1d([1, 2]), rejectedRewards: tf.tensor1d([0]) }))).toThrow(/must be \(B,\)/);
    expect(() => tf.tidy(() => void bradleyTerryLoss({ chosenRewards: tf.tensor1d([1]), rejectedRewards: tf.tensor1d([0]) }, { center: 1 } as never))).toThrow(/center/);
    await expectNoLeak(() => tf.tidy(() => readMetrics(bradleyTerryLoss({ chosenRewards: tf.tensor1d([1]), rejectedRewards: tf.tensor1d([0]) }).metrics)));
  });
});
