/**
 * Strict formats for a remote judge's answer. A judge that wraps its answer in prose is told so
 * (through the error) rather than guessed at: "7, because…" is malformed, not 7.
 */

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;

/** The whole answer must be one number in [min, max] (surrounding whitespace allowed). */
export function parseScoreAnswer(answer: string, min: number, max: number): number {
  const trimmed = answer.trim();
  if (!NUMBER.test(trimmed)) throw new Error(`malformed judge answer ${JSON.stringify(answer.slice(0, 80))}: expected only a number from ${min} to ${max}`);
  const value = Number(trimmed);
  if (value < min || value > max) throw new Error(`judge score ${value} is outside [${min}, ${max}]`);
  return value;
}

/** The whole answer must be `A` or `B`; returns P(A) as a hard verdict (1 or 0). */
export function parseVerdictAnswer(answer: string): number {
  const trimmed = answer.trim();
  if (trimmed === 'A') return 1;
  if (trimmed === 'B') return 0;
  throw new Error(`malformed judge answer ${JSON.stringify(answer.slice(0, 80))}: expected exactly "A" or "B"`);
}
