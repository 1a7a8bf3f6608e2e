/**
 * GRPO as a bandit method: the expected first-iteration GRPO loss (ratio = 1) on a one-prompt
 * bandit, built from the real `computeGrpoLoss` of @prefstream/losses over every arm weighted by
 * π (held constant), with G → ∞ group-scaled advantages A_k = (r_k − r̄_π)/(σ_π + 1e-4), also held
 * constant. Its gradient is exactly −g(θ) of `grpoExpectedUpdate`:
 *   Σ_k π_k(−A_k + β(1 − π_ref,k/π_k))∇log π_k = −π⊙A + β(π − π_ref).
 */
import { tf, type Scalar, type Tensor1D, type Tensor2D } from '@prefstream/core';
import { computeGrpoLoss, detach } from '@prefstream/losses';
import { packSequences } from '@prefstream/model';
import { populationAdvantages } from '../bandit/grpo-population.js';
import type { BanditMethod } from './bandit-methods.js';

/**
 * @param withKl whether the k3 term is on (coefficient: the method context's β).
 * @example const objective = grpoBanditObjective(true)(policy, context); optimizer.minimize(() => objective.loss());
 */
export function grpoBanditObjective(withKl: boolean): BanditMethod['build'] {
  return (policy, { bandit, beta }) => {
    const K = bandit.rewards.length;
    const packed = packSequences(bandit.rewards.map(() => [0]), bandit.rewards.map((_, k) => [k]), { padSide: 'right', padTokenId: 0 });
    const shape: [number, number] = [K, packed.seqLen];
    const refValues = new Float32Array(K * packed.seqLen); // (K, T) log π_ref at each arm's token
    packed.completionMask.forEach((m, i) => {
      if (m) refValues[i] = Math.log(bandit.referenceProbs[Math.floor(i / packed.seqLen)]!);
    });
    const ref = tf.tensor2d(refValues, shape) as Tensor2D;
    const mask = tf.tensor2d(Float32Array.from(packed.completionMask), shape) as Tensor2D;
    const options = { epsilon: 0.2, beta: withKl ? beta : 0, lossType: 'grpo' as const };
    return {
      loss: () =>
        tf.tidy(() => {
          const probs = policy.probabilities();
          const A = populationAdvantages(probs, bandit.rewards, 'group');
          const { tokenLogps } = policy.sequenceLogps(packed); // (K, T)
          const { perSequence } = computeGrpoLoss(
            { logps: tokenLogps, oldLogps: detach(tokenLogps), refLogps: ref, advantages: tf.tensor1d(Float32Array.from(A)) as Tensor1D, mask },
            options,
          );
          return tf.sum(tf.mul(perSequence, tf.tensor1d(Float32Array.from(probs)))) as Scalar; // E_{y~π}[ℓ(y)]
        }),
      dispose: () => tf.dispose([ref, mask]),
    };
  };
}

/** The best arm as a one-hot policy; undefined when several arms share the top reward. */
export function bestArm(rewards: readonly number[]): Float64Array | undefined {
  const top = Math.max(...rewards);
  if (rewards.filter((r) => r === top).length > 1) return undefined;
  return Float64Array.from(rewards, (r) => (r === top ? 1 : 0));
}
