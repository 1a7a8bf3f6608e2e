/** Converts a TextGenerator's generations for one prompt into candidates, checking the count. */
import type { Generation } from '@prefstream/model';
import type { Candidate } from '../engines/candidate-engine.js';

/** The n candidates of prompt `promptId`, ordered by sample index; logp = Σ per-token log-probs. */
export function toCandidates(generations: readonly Generation[], n: number, promptId: string): Candidate[] {
  if (generations.length !== n) throw new Error(`prompt "${promptId}": the generator returned ${generations.length} samples, expected ${n}`);
  const sorted = [...generations].sort((a, b) => a.sampleIndex - b.sampleIndex);
  return sorted.map((g) => {
    let logp = 0;
    for (const t of g.tokenLogps) logp += t;
    if (!Number.isFinite(logp) && logp !== -Infinity) throw new Error(`prompt "${promptId}": sample ${g.sampleIndex} has a non-finite log-prob (${logp})`);
    return { completion: g.completion, completionIds: g.completionIds, logp };
  });
}
