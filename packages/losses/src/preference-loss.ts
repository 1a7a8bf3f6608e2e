/**
 * `preferenceLoss` is both
 *  - the pure loss function `preferenceLoss(type, inputs, options) → { losses, metrics }`
 *    (see {@link computePreferenceLoss}), and
 *  - the stage definition of kind `preferenceLoss` (input `batch`, output `gradients`; see
 *    {@link preferenceLossStage}),
 * so the YAML `kind` equals the export name and the function keeps the name the papers' recipes use.
 */
import { computePreferenceLoss } from './internal/compute-preference-loss.js';
import { preferenceLossStage } from './internal/preference-loss-stage.js';

export type { PreferenceLossResult } from './internal/compute-preference-loss.js';
export { PreferenceLossStageOptions } from './internal/preference-loss-stage.js';

/**
 * Per-example preference losses and TRL metrics, callable; and the `preferenceLoss` stage
 * (`kind`, `options`, `requires`, `produces`, `create`).
 * @example
 * const { losses } = tf.tidy(() => preferenceLoss('ipo', inputs, { beta: 0.1 }));
 * const stage = preferenceLoss.create(preferenceLoss.options.parse({ loss: 'sigmoid', beta: 0.1 }), ctx);
 */
export const preferenceLoss = Object.assign(computePreferenceLoss, preferenceLossStage);
