/**
 * The GRPO objective (DeepSeekMath arXiv 2402.03300 Eq. 3; spec §9) as a pure function of
 * per-token log-probs, with TRL `GRPOTrainer` semantics:
 *
 *   ratio_t   = exp(logπθ(y_t) − logπθold(y_t))
 *   ℓ_t       = −min(ratio_t·A, clip(ratio_t, 1 − ε, 1 + ε_high)·A) + β·k3_t
 *   k3_t      = π_ref/πθ − log(π_ref/πθ) − 1 = exp(ref_t − logp_t) − (ref_t − logp_t) − 1 ≥ 0
 *
 * then aggregated by `lossType` (see {@link GRPO_AGGREGATIONS}). On the first iteration after
 * sampling πθold = πθ, so ratio = 1 and the gradient is −A·∇logπθ + β·(1 − π_ref/πθ)·∇logπθ.
 */
import { tf, type Scalar, type Tensor1D, type Tensor2D } from '@prefstream/core';
import { GRPO_AGGREGATIONS, type GrpoLossType } from './grpo-aggregations.js';

/** Inputs of {@link computeGrpoLoss}; T is the padded token axis, 0 where `mask` is 0. */
export interface GrpoInputs {
  /** (B, T) log πθ of each token, with gradient. */
  readonly logps: Tensor2D;
  /** (B, T) log πθold (the behaviour policy that sampled), constant. */
  readonly oldLogps: Tensor2D;
  /** (B, T) log π_ref; required when β > 0. */
  readonly refLogps?: Tensor2D;
  /** (B,) advantages, one per sequence. */
  readonly advantages: Tensor1D;
  /** (B, T) 1 on completion tokens, 0 elsewhere. */
  readonly mask: Tensor2D;
}

/** Options of {@link computeGrpoLoss}. */
export interface GrpoLossOptions {
  /** ε: lower clip 1 − ε (and upper 1 + ε unless `epsilonHigh`); DeepSeekMath and TRL use 0.2. */
  readonly epsilon: number;
  /** Upper clip 1 + ε_high (DAPO's clip-higher, arXiv 2503.14476); default ε. */
  readonly epsilonHigh?: number;
  /** β of the k3 KL penalty to the reference (0: no reference needed). */
  readonly beta: number;
  readonly lossType: GrpoLossType;
  /** L of `dr_grpo` (TRL max_completion_length). */
  readonly maxCompletionLength?: number;
}

/** Result of {@link computeGrpoLoss}; tensors belong to the caller's tidy scope. */
export interface GrpoLossResult {
  /** () the aggregated loss. */
  readonly loss: Scalar;
  /** (B,) per-sequence losses whose mean is `loss`. */
  readonly perSequence: Tensor1D;
  /**
   * Scalars under TRL's names: `kl` (token mean of k3, when β > 0), `clip_ratio/low_mean`
   * (ratio < 1 − ε with A < 0), `clip_ratio/high_mean` (ratio > 1 + ε_high with A > 0),
   * `clip_ratio/region_mean` (either), all token means over the mask.
   */
  readonly metrics: Record<string, Scalar>;
}

/**
 * @example
 * const { loss } = tf.tidy(() => computeGrpoLoss({ logps, oldLogps: detach(logps), advantages, mask }, { epsilon: 0.2, beta: 0, lossType: 'grpo' }));
 */
export function computeGrpoLoss(inputs: GrpoInputs, options: GrpoLossOptions): GrpoLossResult {
  const { logps, oldLogps, refLogps, advantages, mask } = inputs;
  const low = 1 - options.epsilon;
  const high = 1 + (options.epsilonHigh ?? options.epsilon);
  if (options.beta !== 0 && !refLogps) throw new Error('GRPO with beta ≠ 0 needs reference log-probs (refLogps)');
  const A = tf.expandDims(advantages, 1); // (B, 1)
  const ratio = tf.exp(tf.sub(logps, oldLogps)); // (B, T)
  const clipped = tf.clipByValue(ratio, low, high); // (B, T); no gradient outside [low, high]
  let perToken = tf.neg(tf.minimum(tf.mul(ratio, A), tf.mul(clipped, A))) as Tensor2D; // (B, T)
  const tokens = tf.maximum(tf.sum(mask), 1); // ()
  const tokenMean = (x: tf.Tensor) => tf.div(tf.sum(tf.mul(x, mask)), tokens) as Scalar;
  const metrics: Record<string, Scalar> = {};
  if (options.beta !== 0) {
    const d = tf.sub(refLogps!, logps); // (B, T) log(π_ref/πθ)
    const k3 = tf.sub(tf.sub(tf.exp(d), d), 1) as Tensor2D; // (B, T)
    perToken = tf.add(perToken, tf.mul(k3, options.beta)) as Tensor2D;
    metrics.kl = tokenMean(k3);
  }
  const lowClipped = tf.logicalAnd(tf.less(ratio, low), tf.less(A, 0)); // (B, T)
  const highClipped = tf.logicalAnd(tf.greater(ratio, high), tf.greater(A, 0)); // (B, T)
  metrics['clip_ratio/low_mean'] = tokenMean(tf.cast(lowClipped, 'float32'));
  metrics['clip_ratio/high_mean'] = tokenMean(tf.cast(highClipped, 'float32'));
  metrics['clip_ratio/region_mean'] = tokenMean(tf.cast(tf.logicalOr(lowClipped, highClipped), 'float32'));
  const masked = tf.mul(perToken, mask) as Tensor2D;
  const { loss, perSequence } = GRPO_AGGREGATIONS[options.lossType]({ masked, mask, maxCompletionLength: options.maxCompletionLength });
  return { loss, perSequence, metrics };
}
