/**
 * Tied word embeddings (`tie_word_embeddings: true`): the output head and the input embedding are
 * one parameter. Some checkpoints store only the embedding (GPT-2: `transformer.wte.weight`),
 * others store `lm_head.weight` too as a copy. A merge must change that parameter once, so a stored
 * head is always made from the embedding's inputs (never from its own copy plus a second delta).
 * Registry keyed by HF `model_type`; adding an architecture is a line here.
 */

/** Where a model type keeps its tied pair: the head, and the embedding names it may be stored under. */
interface TiedPair {
  readonly head: string;
  readonly embeddings: readonly string[];
}

const GPT2_PAIR: TiedPair = { head: 'lm_head.weight', embeddings: ['transformer.wte.weight', 'wte.weight'] };
const LLAMA_PAIR: TiedPair = { head: 'lm_head.weight', embeddings: ['model.embed_tokens.weight'] };

/** HF `model_type` → its tied pair; unknown types use the union of the known names. */
export const TIED_PAIRS: Readonly<Record<string, TiedPair>> = {
  gpt2: GPT2_PAIR,
  llama: LLAMA_PAIR,
  mistral: LLAMA_PAIR,
  qwen2: LLAMA_PAIR,
};

const FALLBACK: TiedPair = { head: 'lm_head.weight', embeddings: [...GPT2_PAIR.embeddings, ...LLAMA_PAIR.embeddings] };

/**
 * The aliases of a checkpoint family: stored head name → the embedding it is tied to.
 * Empty when the embeddings are not tied or no embedding is stored under a known name.
 * @param names every tensor name stored by any of the inputs.
 */
export function tiedAliases(config: Readonly<Record<string, unknown>>, names: ReadonlySet<string>): Map<string, string> {
  // transformers PretrainedConfig: tie_word_embeddings defaults to true.
  if (config.tie_word_embeddings === false) return new Map();
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  const pair = TIED_PAIRS[modelType] ?? FALLBACK;
  const embedding = pair.embeddings.find((n) => names.has(n));
  return embedding === undefined ? new Map() : new Map([[pair.head, embedding]]);
}
