/**
 * A pairing strategy picks which of one prompt's candidates are compared (RSO arXiv 2309.06657
 * §3.3, SLiC-HF arXiv 2305.10425 §2.2). It only chooses pairs; labeling (which side is chosen) is
 * done afterwards from the rewards by `buildPairs`.
 */
import type { Rng } from '@prefstream/core';

/**
 * @param rewards (K,) one prompt's rewards, finite.
 * @param rng this prompt's own random stream (shuffles).
 * @returns (2P,) flat pairs `[a0, b0, a1, b1, …]` of candidate indices, a ≠ b.
 */
export type PairingStrategy = (rewards: Float32Array, rng: Rng) => Int32Array;
