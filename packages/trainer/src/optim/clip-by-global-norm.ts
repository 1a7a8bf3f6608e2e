import { tf, type NamedTensorMap, type Scalar } from '@prefstream/core';
import { emptyState, type GradientTransform } from './gradient-transform.js';
import { globalNorm } from './global-norm.js';

/**
 * Rescales all updates so that their global L2 norm is at most `maxNorm` (optax
 * `clip_by_global_norm`): `g ← g` when ‖g‖ < maxNorm, else `g · maxNorm / ‖g‖`. Reports the
 * pre-clip norm as `stats.grad_norm` (what TRL logs as `grad_norm`).
 *
 * torch's `clip_grad_norm_` divides by `‖g‖ + 1e-6` instead; the difference is below float32
 * resolution for any norm that actually clips.
 *
 * @example chain(clipByGlobalNorm(1.0), scaleByAdam(), scaleByLearningRate(() => 1e-3))
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransform {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) throw new Error(`clipByGlobalNorm: maxNorm must be a positive finite number, got ${maxNorm}`);
  return {
    name: 'clipByGlobalNorm',
    init: () => emptyState(),
    update(grads, state) {
      const result = tf.tidy(() => {
        const norm = globalNorm(grads);
        // where(), not min(1, maxNorm/‖g‖): a zero norm must not produce maxNorm/0 in the kept branch.
        const scale = tf.where(tf.less(norm, maxNorm), tf.scalar(1), tf.div(maxNorm, norm));
        const updates: NamedTensorMap = {};
        for (const [name, g] of Object.entries(grads)) updates[name] = tf.mul(g, scale);
        return { updates, norm };
      });
      return { updates: result.updates, state, stats: { grad_norm: result.norm as Scalar } };
    },
  };
}
