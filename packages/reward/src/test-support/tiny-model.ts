/** A tiny random GPT-2 over the byte tokenizer: fast enough for many steps on wasm. */
import { ByteTokenizer, CausalLM, parseModelConfig } from '@prefstream/model';

export const byteTokenizer = () => new ByteTokenizer();

/** V 258 (256 bytes + <|endoftext|> + <|pad|>), D 16, one layer, two heads, 64 positions. */
export function tinyLM(seed: number): CausalLM {
  const config = parseModelConfig(
    { model_type: 'gpt2', vocab_size: 258, n_embd: 16, n_layer: 1, n_head: 2, n_positions: 64, bos_token_id: 256, eos_token_id: 256 },
    'tiny test config',
  );
  return CausalLM.random(config, seed);
}
