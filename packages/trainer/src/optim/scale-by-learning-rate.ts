import { tf, type NamedTensorMap } from '@prefstream/core';
import { emptyState, NO_STATS, type GradientTransform } from './gradient-transform.js';
import type { Schedule } from './schedules.js';

/**
 * Multiplies updates by `−learningRate(step)` (optax `scale_by_learning_rate`), turning a descent
 * direction into the step that is added to the parameters. The last transform of every optimizer.
 *
 * @param learningRate a schedule (step → rate, see {@link makeSchedule}) or a constant rate.
 * @example chain(scaleByAdam(), scaleByLearningRate(makeSchedule({ kind: 'cosine', warmupSteps: 10, totalSteps: 100, minLearningRate: 0 }, 1e-3)))
 */
export function scaleByLearningRate(learningRate: Schedule | number): GradientTransform {
  const schedule: Schedule = typeof learningRate === 'number' ? () => learningRate : learningRate;
  return {
    name: 'scaleByLearningRate',
    init: () => emptyState(),
    update(grads, state, _params, step) {
      const lr = schedule(step);
      if (!Number.isFinite(lr)) throw new Error(`scaleByLearningRate: learning rate at step ${step} is ${lr}`);
      const updates = tf.tidy(() => {
        const out: NamedTensorMap = {};
        for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, -lr);
        return out;
      });
      return { updates, state, stats: NO_STATS };
    },
  };
}
