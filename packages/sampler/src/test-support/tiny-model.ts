/** A tiny random GPT-2 and a character tokenizer, for end-to-end engine tests. */
import { CausalLM, CharTokenizer, parseModelConfig, saveTokenizer } from '@prefstream/model';

export const ALPHABET = 'abcdefghijklmnopqrstuvwxyz ';

export function tinyTokenizer(): CharTokenizer {
  return new CharTokenizer(ALPHABET);
}

export function tinyModel(seed = 0): CausalLM {
  const tokenizer = tinyTokenizer();
  const config = parseModelConfig({ model_type: 'gpt2', vocab_size: tokenizer.vocabSize, n_embd: 32, n_layer: 2, n_head: 2, n_positions: 64 });
  const model = CausalLM.random(config, seed);
  model.tokenizer = tokenizer;
  return model;
}

/** Writes the tiny model and its tokenizer as a Hugging Face checkpoint directory. */
export async function saveTinyCheckpoint(dir: string, seed = 0): Promise<void> {
  const model = tinyModel(seed);
  try {
    await model.save(dir);
    await saveTokenizer(tinyTokenizer(), dir);
  } finally {
    model.dispose();
  }
}
