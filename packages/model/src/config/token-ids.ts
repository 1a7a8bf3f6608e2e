/** Special-token fields shared by config.json and generation_config.json. */
import { z } from 'zod';

/** `eos_token_id` may be one id or a list (Llama 3); null means unset. */
export const TokenIdOrList = z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]).nullish();

export const SpecialTokenFields = {
  bos_token_id: z.number().int().nonnegative().nullish(),
  eos_token_id: TokenIdOrList,
  pad_token_id: z.number().int().nonnegative().nullish(),
};

/** The special ids of a parsed config or generation config, with the eos list normalized. */
export function specialTokenIds(raw: { bos_token_id?: number | null; eos_token_id?: number | number[] | null; pad_token_id?: number | null }) {
  const eos = raw.eos_token_id == null ? [] : Array.isArray(raw.eos_token_id) ? raw.eos_token_id : [raw.eos_token_id];
  return {
    bosTokenId: raw.bos_token_id ?? undefined,
    eosTokenIds: eos,
    eosTokenId: eos[0],
    padTokenId: raw.pad_token_id ?? undefined,
  };
}
