/**
 * Builds a {@link PairwiseLanguageModel} from a causal LM resource and a tokenizer resource named
 * in the `pairwise` kind's options.
 */
import { ConfigError, type StageContext } from '@prefstream/core';
import type { Tokenizer } from '@prefstream/model';
import { PairwiseLanguageModel, type LanguageModelJudgeOptions, type LogitsModel } from '../pairwise-language-model.js';
import { resourceOf } from './resource.js';

export { LanguageModelJudgeOptions } from '../pairwise-language-model.js';

const isLogitsModel = (v: unknown): v is LogitsModel => typeof v === 'object' && v !== null && typeof (v as LogitsModel).forward === 'function';
const isTokenizer = (v: unknown): v is Tokenizer =>
  typeof v === 'object' && v !== null && typeof (v as Tokenizer).encode === 'function' && typeof (v as Tokenizer).decode === 'function';

export function languageModelJudgeFrom(
  resource: unknown,
  options: LanguageModelJudgeOptions & { model: string; tokenizer?: string | undefined },
  ctx: StageContext,
  where: string,
): PairwiseLanguageModel {
  if (!isLogitsModel(resource)) {
    throw new ConfigError(where, `resource "${options.model}" is neither a pairwise preference model (preferFirst) nor a causal LM (forward)`);
  }
  if (!options.tokenizer) throw new ConfigError(where, `model "${options.model}" is a causal LM: set "tokenizer" to the name of its tokenizer resource`);
  const tokenizer = resourceOf(ctx, options.tokenizer, where, 'a tokenizer', isTokenizer);
  return new PairwiseLanguageModel(resource, tokenizer, options, where);
}
