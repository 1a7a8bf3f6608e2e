/**
 * The rollout arithmetic of PPO for language models, per completion token (TRL `PPOTrainer`,
 * OpenRLHF): KL-shaped rewards, generalized advantage estimation (Schulman et al., arXiv
 * 1506.02438) and whitening. Plain float64 numbers: these run once per rollout on values already
 * read off the models, so there is nothing to differentiate and no tensor to leak.
 */

/**
 * Per-token rewards of one completion (TRL `PPOTrainer`, step 4):
 * `r_t = −β_KL·(log π_old(y_t) − log π_ref(y_t))`, plus the sequence score on the last token.
 *
 * @param oldLogps (L,) log-probs of the completion tokens under the behaviour policy.
 * @param refLogps (L,) the same tokens under the frozen reference policy.
 * @example tokenRewards([-1, -2], [-1.5, -1], 0.5, 0.1) // [-0.05, 0.6]
 */
export function tokenRewards(oldLogps: ArrayLike<number>, refLogps: ArrayLike<number>, score: number, klCoef: number): Float64Array {
  const L = oldLogps.length;
  if (refLogps.length !== L) throw new Error(`tokenRewards: ${L} behaviour log-probs but ${refLogps.length} reference log-probs`);
  const rewards = new Float64Array(L);
  for (let t = 0; t < L; t++) rewards[t] = -klCoef * (oldLogps[t]! - refLogps[t]!);
  if (L > 0) rewards[L - 1]! += score;
  return rewards;
}

/**
 * GAE over one completion, backwards from its last token with V(after the end) = 0:
 * `δ_t = r_t + γ·V_{t+1} − V_t`, `A_t = δ_t + γλ·A_{t+1}`, returns `R_t = A_t + V_t`
 * (TRL `PPOTrainer` step 6, without its padding: a finished completion has no next state).
 *
 * @example gae([0, 1], [0.5, 0.25], 1, 1) // advantages [0.5, 0.75], returns [1, 1]
 */
export function gae(rewards: ArrayLike<number>, values: ArrayLike<number>, gamma: number, lambda: number): { advantages: Float64Array; returns: Float64Array } {
  const L = rewards.length;
  if (values.length !== L) throw new Error(`gae: ${L} rewards but ${values.length} values`);
  const advantages = new Float64Array(L);
  const returns = new Float64Array(L);
  let next = 0; // A_{t+1}
  for (let t = L - 1; t >= 0; t--) {
    const nextValue = t + 1 < L ? values[t + 1]! : 0;
    const delta = rewards[t]! + gamma * nextValue - values[t]!;
    next = delta + gamma * lambda * next;
    advantages[t] = next;
    returns[t] = next + values[t]!;
  }
  return { advantages, returns };
}

/**
 * TRL's `masked_whiten` over every token of a rollout batch: `(x − mean)/√(var + 1e-8)` with the
 * unbiased (Bessel-corrected) variance; `shiftMean: false` adds the mean back (TRL's reward
 * whitening). A batch of one token has no variance estimate and is returned centred only.
 *
 * @param rows one array per completion (its tokens); empty rows are allowed.
 * @example whiten([Float64Array.of(1, 2), Float64Array.of(3)]) // [[-1, 0], [1]]
 */
export function whiten(rows: readonly ArrayLike<number>[], shiftMean = true): Float64Array[] {
  let n = 0;
  let sum = 0;
  for (const row of rows) for (let t = 0; t < row.length; t++, n++) sum += row[t]!;
  if (n === 0) return rows.map(() => new Float64Array(0));
  const mean = sum / n;
  let squares = 0;
  for (const row of rows) for (let t = 0; t < row.length; t++) squares += (row[t]! - mean) ** 2;
  const variance = n > 1 ? (squares / n) * (n / (n - 1)) : 0;
  const scale = n > 1 ? 1 / Math.sqrt(variance + 1e-8) : 1;
  return rows.map((row) => Float64Array.from(row, (x) => (x - mean) * scale + (shiftMean ? 0 : mean)));
}
