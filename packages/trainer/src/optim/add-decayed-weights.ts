import { tf, type NamedTensorMap } from '@prefstream/core';
import { emptyState, NO_STATS, type GradientTransform } from './gradient-transform.js';
import { gradOf } from './internal/slots.js';

/**
 * Adds `weightDecay · param` to the update of every parameter `mask` selects (optax
 * `add_decayed_weights`). Placed after `scaleByAdam` and before `scaleByLearningRate` it is the
 * decoupled weight decay of AdamW (Loshchilov & Hutter 2019, Algorithm 2 line 12):
 * `p ← p − lr·(m̂/(√v̂+ε) + λ·p)`, as torch.optim.AdamW.
 *
 * @param mask which parameters decay, by name (default: all). Hugging Face's Trainer, for
 *   example, excludes biases and LayerNorm weights.
 * @example chain(scaleByAdam(), addDecayedWeights(0.01, (name) => !name.endsWith('.bias')), scaleByLearningRate(() => 1e-3))
 */
export function addDecayedWeights(weightDecay: number, mask?: (name: string) => boolean): GradientTransform {
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) {
    throw new Error(`addDecayedWeights: weightDecay must be a finite number ≥ 0, got ${weightDecay}`);
  }
  return {
    name: 'addDecayedWeights',
    init: () => emptyState(),
    update(grads, state, params) {
      const updates = tf.tidy(() => {
        const out: NamedTensorMap = {};
        for (const name of Object.keys(grads)) {
          const g = gradOf(grads, name, 'addDecayedWeights');
          const p = params[name];
          if (!p) throw new Error(`addDecayedWeights: no parameter "${name}" (needed to decay it)`);
          out[name] = mask && !mask(name) ? tf.clone(g) : tf.add(g, tf.mul(p, weightDecay));
        }
        return out;
      });
      return { updates, state, stats: NO_STATS };
    },
  };
}
