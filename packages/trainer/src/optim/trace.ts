import { tf, type NamedTensorMap } from '@prefstream/core';
import { NO_STATS, type GradientTransform } from './gradient-transform.js';
import { gradOf, slotOf, zeroSlots } from './internal/slots.js';

export interface TraceOptions {
  /** Momentum coefficient μ (torch.optim.SGD `momentum`). */
  decay: number;
  /** Nesterov momentum (Sutskever et al. 2013, as torch.optim.SGD `nesterov=True`). */
  nesterov?: boolean;
}

/**
 * Heavy-ball momentum (optax `trace`; torch.optim.SGD with `dampening = 0`):
 *
 *   b ← μ·b + g        update = b            (nesterov: update = g + μ·b)
 *
 * torch starts with b = g at the first step; with b initialised to 0 the first step gives the
 * same b, so the two agree at every step. Slot: `trace/<param>` (torch's `momentum_buffer`).
 *
 * @example chain(trace({ decay: 0.9 }), scaleByLearningRate(() => 0.1)) // SGD with momentum
 */
export function trace(options: TraceOptions): GradientTransform {
  const { decay, nesterov = false } = options;
  if (!(decay >= 0 && decay < 1)) throw new Error(`trace: decay must be in [0, 1), got ${decay}`);
  return {
    name: 'trace',
    init: (params) => ({ slots: zeroSlots('trace', params), inner: [] }),
    update(grads, state) {
      const updates = tf.tidy(() => {
        const out: NamedTensorMap = {};
        for (const name of Object.keys(grads)) {
          const g = gradOf(grads, name, 'trace');
          const b = slotOf(state.slots, 'trace', name, 'trace');
          b.assign(tf.add(tf.mul(b, decay), g));
          out[name] = nesterov ? tf.add(g, tf.mul(b, decay)) : tf.clone(b);
        }
        return out;
      });
      return { updates, state, stats: NO_STATS };
    },
  };
}
