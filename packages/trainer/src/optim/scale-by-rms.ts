import { tf, type NamedTensorMap } from '@prefstream/core';
import { NO_STATS, type GradientTransform } from './gradient-transform.js';
import { gradOf, slotOf, zeroSlots } from './internal/slots.js';

export interface ScaleByRmsOptions {
  /**
   * Decay of the squared-gradient average. Default 0.99 = torch.optim.RMSprop's `alpha`, which is
   * what the DPO reference implementation ran (optax's own default is 0.9).
   */
  decay?: number;
  /** Added to √v outside the root, as torch.optim.RMSprop (default 1e-8). */
  eps?: number;
}

/**
 * RMSprop's rescaling (Tieleman & Hinton 2012; optax `scale_by_rms` with `initial_scale = 0`,
 * torch.optim.RMSprop without momentum or centering):
 *
 *   v ← decay·v + (1−decay)·g²        update = g / (√v + ε)
 *
 * Slot: `rms.v/<param>` (torch's `square_avg`).
 *
 * @example chain(scaleByRms({ decay: 0.99 }), scaleByLearningRate(() => 1e-6)) // DPO's optimizer
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransform {
  const { decay = 0.99, eps = 1e-8 } = options;
  if (!(decay >= 0 && decay < 1)) throw new Error(`scaleByRms: decay must be in [0, 1), got ${decay}`);
  if (!(eps >= 0)) throw new Error(`scaleByRms: eps must be ≥ 0, got ${eps}`);
  return {
    name: 'scaleByRms',
    init: (params) => ({ slots: zeroSlots('rms.v', params), inner: [] }),
    update(grads, state) {
      const updates = tf.tidy(() => {
        const out: NamedTensorMap = {};
        for (const name of Object.keys(grads)) {
          const g = gradOf(grads, name, 'scaleByRms');
          const v = slotOf(state.slots, 'rms.v', name, 'scaleByRms');
          v.assign(tf.add(tf.mul(v, decay), tf.mul(tf.square(g), 1 - decay)));
          out[name] = tf.div(g, tf.add(tf.sqrt(v), eps));
        }
        return out;
      });
      return { updates, state, stats: NO_STATS };
    },
  };
}
