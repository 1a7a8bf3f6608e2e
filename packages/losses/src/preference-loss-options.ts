/**
 * Options shared by every preference loss. The schema is the documentation: each field carries
 * its default, why, and the paper it comes from.
 */
import { z } from 'zod';

/**
 * Options of every preference loss.
 * @example PreferenceLossOptions.parse({ beta: 0.1, labelSmoothing: 0.1 })
 */
export const PreferenceLossOptions = z.strictObject({
  beta: z
    .number()
    .positive()
    .default(0.1)
    .describe(
      'β: KL strength of DPO-family losses, 1/margin of `hinge`, the CoPG temperature (paper default 0.06). ' +
        'TRL DPOConfig.beta default 0.1; DPO arXiv 2305.18290 Eq. 7.',
    ),
  gamma: z
    .number()
    .positive()
    .default(0.05)
    .describe('γ: the RSO loss scale, decoupled from the sampling β (RSO arXiv 2309.06657 §4, default 0.05).'),
  labelSmoothing: z
    .number()
    .min(0)
    .lt(0.5)
    .default(0)
    .describe('ε: assumed label-flip rate of `sigmoid` (cDPO) and `robust` (rDPO arXiv 2403.00409). 0 = clean labels.'),
  delta: z.number().positive().default(1).describe('δ: SLiC calibration margin (SLiC-HF arXiv 2305.10425 Eq. 1, default 1).'),
  lambda: z
    .number()
    .min(0)
    .default(0.5)
    .describe('λ: weight of SLiC\'s regularizer −logp(y_ref) [choice: the paper\'s value is not public; 0.5].'),
  lengthNormalize: z
    .boolean()
    .default(false)
    .describe('`ipo` only: use lr/n per side (TRL main) instead of sums (IPO arXiv 2310.12036 Eq. 17, TRL ≤ 0.24).'),
  referenceFree: z
    .boolean()
    .default(false)
    .describe('Treat ref(y) as 0 (TRL `reference_free`): no reference model and no ref_* inputs needed.'),
  weights: z
    .array(z.number().nonnegative())
    .optional()
    .describe('Weight per loss type when several are combined (TRL `loss_weights`); default 1 each.'),
});

/** Parsed options (all defaults filled in). */
export type PreferenceLossOptions = z.output<typeof PreferenceLossOptions>;
/** Options as a user writes them (every field optional). */
export type PreferenceLossOptionsInput = z.input<typeof PreferenceLossOptions>;
