import { tf, type NamedTensorMap, type Scalar } from '@prefstream/core';
import { disposeState, stateSlots, type GradientTransform, type TransformState } from './gradient-transform.js';

/**
 * Applies transforms in sequence, each to the previous one's updates (optax `chain`). The state is
 * the list of the inner states; stats of all transforms are merged.
 *
 * @example const adamw = chain(clipByGlobalNorm(1), scaleByAdam(), addDecayedWeights(0.01), scaleByLearningRate(1e-3));
 */
export function chain(...transforms: GradientTransform[]): GradientTransform {
  if (transforms.length === 0) throw new Error('chain: needs at least one transform');
  return {
    name: `chain(${transforms.map((t) => t.name).join(', ')})`,
    init(params) {
      const state: TransformState = { slots: new Map(), inner: transforms.map((t) => t.init(params)) };
      try {
        stateSlots(state); // throws on clashing slot names (e.g. scaleByAdam chained twice)
      } catch (error) {
        disposeState(state);
        throw error;
      }
      return state;
    },
    update(grads, state, params, step) {
      if (state.inner.length !== transforms.length) {
        throw new Error(`chain: state has ${state.inner.length} inner states for ${transforms.length} transforms`);
      }
      let current: NamedTensorMap = grads;
      const stats: Record<string, Scalar> = {};
      try {
        transforms.forEach((transform, i) => {
          const result = transform.update(current, state.inner[i]!, params, step);
          // The intermediate updates are ours; the caller's grads are only borrowed.
          if (current !== grads) tf.dispose(current);
          current = result.updates;
          for (const [key, value] of Object.entries(result.stats)) {
            if (stats[key]) stats[key].dispose();
            stats[key] = value;
          }
        });
      } catch (error) {
        if (current !== grads) tf.dispose(current);
        tf.dispose(stats);
        throw error;
      }
      return { updates: current, state, stats };
    },
  };
}
