import { tf, type NamedTensorMap } from '@prefstream/core';
import { NO_STATS, type GradientTransform } from './gradient-transform.js';
import { gradOf, slotOf, zeroSlots } from './internal/slots.js';

export interface ScaleByAdamOptions {
  /** Decay of the first moment (Adam paper β1; torch and optax default 0.9). */
  b1?: number;
  /** Decay of the second moment (Adam paper β2; torch and optax default 0.999). */
  b2?: number;
  /** Added to √v̂ outside the root (Adam paper ε; torch and optax default 1e-8). */
  eps?: number;
}

/**
 * Rescales by the bias-corrected moments of Adam (Kingma & Ba 2015, Algorithm 1; optax
 * `scale_by_adam` with `eps_root = 0`), at step t = `step` + 1:
 *
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   m̂ = m / (1−β1^t)              v̂ = v / (1−β2^t)
 *   update = m̂ / (√v̂ + ε)
 *
 * Slots: `adam.m/<param>`, `adam.v/<param>` (torch calls them `exp_avg`, `exp_avg_sq`).
 *
 * @example chain(scaleByAdam({ b1: 0.9, b2: 0.999, eps: 1e-8 }), scaleByLearningRate(() => 1e-3))
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransform {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8 } = options;
  for (const [key, value] of Object.entries({ b1, b2 })) {
    if (!(value >= 0 && value < 1)) throw new Error(`scaleByAdam: ${key} must be in [0, 1), got ${value}`);
  }
  if (!(eps >= 0)) throw new Error(`scaleByAdam: eps must be ≥ 0, got ${eps}`);
  return {
    name: 'scaleByAdam',
    init: (params) => ({ slots: new Map([...zeroSlots('adam.m', params), ...zeroSlots('adam.v', params)]), inner: [] }),
    update(grads, state, _params, step) {
      const t = step + 1;
      // Bias corrections in float64 on the host, then one float32 scalar each.
      const c1 = 1 - Math.pow(b1, t);
      const c2 = 1 - Math.pow(b2, t);
      const updates = tf.tidy(() => {
        const out: NamedTensorMap = {};
        for (const name of Object.keys(grads)) {
          const g = gradOf(grads, name, 'scaleByAdam');
          const m = slotOf(state.slots, 'adam.m', name, 'scaleByAdam');
          const v = slotOf(state.slots, 'adam.v', name, 'scaleByAdam');
          m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
          v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
          const mHat = tf.div(m, c1);
          const vHat = tf.div(v, c2);
          out[name] = tf.div(mHat, tf.add(tf.sqrt(vHat), eps));
        }
        return out;
      });
      return { updates, state, stats: NO_STATS };
    },
  };
}
