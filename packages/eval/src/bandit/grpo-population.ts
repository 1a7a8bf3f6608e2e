/**
 * The expected GRPO update on a one-prompt bandit with a tabular softmax policy π = softmax(θ),
 * exactly — no sampling noise — as an ascent direction g(θ) on the logits (spec §9, §11).
 *
 * One GRPO step on a group y_1..y_G ~ π (one token per completion, loss type `grpo`, first
 * iteration so ratio = 1) descends ℓ = (1/G)Σ_i [−A_i·ratio_i + β·k3_i], whose pathwise gradient
 * (y_i held fixed, A_i a constant) is
 *
 *   −∇ℓ = (1/G)Σ_i A_i (e_{y_i} − π) − β(1/G)Σ_i (1 − π_ref(y_i)/π(y_i)) (e_{y_i} − π),
 *
 * using ∇_θ log π(y) = e_y − π. In expectation the k3 part is −β Σ_y (π_y − π_ref,y)(e_y − π) =
 * −β(π − π_ref) = −β ∇_θ KL(π_ref‖π): the forward KL, not the reverse KL(π‖π_ref) of the objective
 * whose optimum is π* = π_ref·e^{r/β}/Z.
 *
 * - `groupSize` undefined (G → ∞): the group mean and Bessel std become r̄ = E_π r and
 *   σ = std_π(r); A_k = (r_k − r̄)/(σ + 1e-4) (`group`, and `batch`, which on a one-prompt batch is
 *   the same std) or r_k − r̄ (`none`), and since Σ_k π_k A_k = 0, g_k = π_k A_k − β(π_k − π_ref,k).
 * - `groupSize` G: the expectation over every multiset of G draws (multinomial weights), with the
 *   group's own mean and Bessel std, exactly as `computeGroupAdvantages` computes them.
 */
import { computeGroupAdvantages, type ScaleRewards } from '@prefstream/losses';

/** What the GRPO update of a bandit depends on. */
export interface GrpoBanditSettings {
  /** β of the k3 term (0: no KL). */
  readonly beta: number;
  readonly scaleRewards: ScaleRewards;
  /** G; undefined for the G → ∞ limit. */
  readonly groupSize?: number;
}

/** Population mean and (population) std of r under π. */
export function rewardMoments(probs: ArrayLike<number>, rewards: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let k = 0; k < probs.length; k++) mean += probs[k]! * rewards[k]!;
  let variance = 0;
  for (let k = 0; k < probs.length; k++) variance += probs[k]! * (rewards[k]! - mean) ** 2;
  return { mean, std: Math.sqrt(variance) };
}

/** Advantages of the G → ∞ limit, one per arm. */
export function populationAdvantages(probs: ArrayLike<number>, rewards: ArrayLike<number>, scaleRewards: ScaleRewards): Float64Array {
  const { mean, std } = rewardMoments(probs, rewards);
  return Float64Array.from({ length: probs.length }, (_, k) => (scaleRewards === 'none' ? rewards[k]! - mean : (rewards[k]! - mean) / (std + 1e-4)));
}

/** Every way to put G draws into K arms, with its multinomial probability under π. */
function* groupsOf(probs: ArrayLike<number>, G: number): Generator<{ counts: number[]; probability: number }> {
  const K = probs.length;
  const logFactorial = (n: number) => {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  };
  const counts = new Array<number>(K).fill(0);
  function* fill(k: number, left: number): Generator<{ counts: number[]; probability: number }> {
    if (k === K - 1) {
      counts[k] = left;
      let logp = logFactorial(G);
      for (let j = 0; j < K; j++) {
        if (counts[j]! === 0) continue;
        logp += counts[j]! * Math.log(probs[j]!) - logFactorial(counts[j]!);
      }
      yield { counts: [...counts], probability: Math.exp(logp) };
      return;
    }
    for (let n = left; n >= 0; n--) {
      counts[k] = n;
      yield* fill(k + 1, left - n);
    }
  }
  yield* fill(0, G);
}

/** E over groups of (1/G)Σ_i A_i (e_{y_i} − π), by enumeration. */
function finiteGroupPolicyGradient(probs: ArrayLike<number>, rewards: ArrayLike<number>, scaleRewards: ScaleRewards, G: number): Float64Array {
  const K = probs.length;
  const out = new Float64Array(K);
  for (const { counts, probability } of groupsOf(probs, G)) {
    if (probability === 0) continue;
    const arms = counts.flatMap((n, k) => new Array<number>(n).fill(k)); // the group, one entry per draw
    const { advantages } = computeGroupAdvantages(arms.map(() => 'x'), arms.map((k) => rewards[k]!), scaleRewards);
    for (let i = 0; i < G; i++) {
      const weight = (probability * advantages[i]!) / G;
      for (let j = 0; j < K; j++) out[j]! += weight * ((arms[i] === j ? 1 : 0) - probs[j]!);
    }
  }
  return out;
}

/**
 * g(θ): the expected GRPO ascent direction on the logits at π (see the file comment).
 * @example grpoExpectedUpdate([0.5, 0.5], [1, 0], [0.5, 0.5], { beta: 0.1, scaleRewards: 'group' }) // ≈ [0.49995, −0.49995]
 */
export function grpoExpectedUpdate(probs: ArrayLike<number>, rewards: ArrayLike<number>, referenceProbs: ArrayLike<number>, s: GrpoBanditSettings): Float64Array {
  const K = probs.length;
  let pg: Float64Array;
  if (s.groupSize === undefined) {
    const A = populationAdvantages(probs, rewards, s.scaleRewards);
    pg = Float64Array.from({ length: K }, (_, k) => probs[k]! * A[k]!);
  } else {
    if (!(s.groupSize >= 2)) throw new Error(`grpoExpectedUpdate: groupSize must be ≥ 2, got ${s.groupSize}`);
    pg = finiteGroupPolicyGradient(probs, rewards, s.scaleRewards, s.groupSize);
  }
  return Float64Array.from(pg, (v, k) => v - s.beta * (probs[k]! - referenceProbs[k]!));
}
