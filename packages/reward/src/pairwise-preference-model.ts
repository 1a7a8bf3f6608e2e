/**
 * What the `pairwise` reward kind needs from a preference model: P(first ≻ second) for a list of
 * (prompt, first, second) triples. Implemented by {@link PairwiseLanguageModel} (an LM read at the
 * verdict tokens), and by anything else that can compare — a table in tests, a remote ranker.
 */

/** One comparison: the prompt and the two responses in the order they are shown. */
export interface PairwiseItem {
  readonly prompt: string;
  readonly first: string;
  readonly second: string;
  /** The row's prompt_id, for error messages of models that can fail per item (remote judges). */
  readonly promptId?: string;
}

export interface PairwisePreferenceModel {
  /**
   * P(first ≻ second) per item, in item order, each in [0, 1]. Order-sensitive on purpose: the
   * caller asks both orders and averages (spec §7).
   */
  preferFirst(items: readonly PairwiseItem[], signal?: AbortSignal): Promise<Float64Array>;
}

/** Type guard used when a pairwise model is looked up by name in `ctx.resources`. */
export function isPairwisePreferenceModel(value: unknown): value is PairwisePreferenceModel {
  return typeof value === 'object' && value !== null && typeof (value as { preferFirst?: unknown }).preferFirst === 'function';
}
