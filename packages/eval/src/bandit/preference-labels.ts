/**
 * How a bandit labels a pair: P(a ≻ b) as a matrix over responses. A registry so a new labelling
 * rule is one entry.
 */
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export type LabelRule = (ra: number, rb: number) => number;

export const LABEL_RULES: ReadonlyMap<string, LabelRule> = new Map<string, LabelRule>([
  // Bradley–Terry: P(a ≻ b) = σ(r_a − r_b) (DPO Eq. 1).
  ['bradley-terry', (ra, rb) => sigmoid(ra - rb)],
  // Hard labels from the reward; ties are a coin flip.
  ['hard', (ra, rb) => (ra > rb ? 1 : ra < rb ? 0 : 0.5)],
]);

/** P[a][b] = P(a ≻ b) for every pair of responses under `rule`. */
export function preferenceMatrix(rewards: readonly number[], rule = 'bradley-terry'): Float64Array[] {
  const fn = LABEL_RULES.get(rule);
  if (!fn) throw new Error(`unknown label rule "${rule}"; valid: ${[...LABEL_RULES.keys()].join(', ')}`);
  return rewards.map((ra) => Float64Array.from(rewards, (rb) => fn(ra, rb)));
}
