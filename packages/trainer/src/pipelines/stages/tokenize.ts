/**
 * `tokenize`: text columns → token-id columns (`prompt` → `prompt_ids`, `chosen` → `chosen_ids`,
 * …) with the tokenizer from `ctx.resources`. Prompts are encoded with the tokenizer's special
 * tokens (BOS when it adds one); completions get the EOS token appended so the policy learns to
 * stop, as TRL's DPO/SFT tokenization does.
 */
import { concatMap, of, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { defineStage, readStrings, tokenListVector, withColumns, type Batch, type FlowItem } from '@prefstream/core';
import { tokenizerOf } from '../internal/resources.js';

const STAGE = 'tokenize';

/** Options of {@link tokenize}. @example TokenizeOptions.parse({ completions: ['completion'] }) */
export const TokenizeOptions = z.strictObject({
  tokenizer: z.string().min(1).default('tokenizer').describe('Resource name of the Tokenizer.'),
  prompt: z.string().min(1).nullable().default('prompt').describe('Prompt text column (→ `<name>_ids`); null to leave prompts alone.'),
  completions: z.array(z.string().min(1)).default(['chosen', 'rejected']).describe('Completion text columns (→ `<name>_ids`, EOS appended).'),
  condition: z
    .string()
    .min(1)
    .optional()
    .describe('C-RLFT: column whose value prefixes each prompt as `<condition> ` (class-conditioned prompt, OpenChat arXiv 2309.11235 §3.2).'),
  appendEos: z.boolean().default(true).describe('Append the EOS token to completions (when the tokenizer has one).'),
  maxPromptTokens: z.int().positive().optional().describe('Keep only the last N prompt tokens (TRL `max_prompt_length`, left truncation).'),
  maxCompletionTokens: z.int().positive().optional().describe('Keep only the first N completion tokens (TRL `max_completion_length`).'),
});
/** Parsed {@link TokenizeOptions}. */
export type TokenizeOptions = z.output<typeof TokenizeOptions>;

const idsOf = (column: string) => `${column}_ids`;

/**
 * Stage definition (kind `tokenize`, batch → batch).
 * @example
 * // YAML: - { kind: tokenize, completions: [chosen, rejected] }
 * rows$.pipe(tokenize.create(TokenizeOptions.parse({}), ctx));
 */
export const tokenize = defineStage({
  kind: STAGE,
  options: TokenizeOptions,
  input: 'batch',
  output: 'batch',
  requires: (o) => [...(o.prompt ? [o.prompt] : []), ...o.completions, ...(o.condition ? [o.condition] : [])],
  produces: (o) => [...(o.prompt ? [idsOf(o.prompt)] : []), ...o.completions.map(idsOf)],
  create(o, ctx): OperatorFunction<FlowItem, FlowItem> {
    const tokenizer = tokenizerOf(ctx, o.tokenizer, STAGE);
    const eos = o.appendEos && tokenizer.eosTokenId !== undefined ? [tokenizer.eosTokenId] : [];
    return concatMap((item) => {
      const batch = item as Batch;
      const columns: Record<string, ReturnType<typeof tokenListVector>> = {};
      if (o.prompt) {
        const prompts = readStrings(batch, o.prompt, `stage ${STAGE}`);
        const conditions = o.condition ? readStrings(batch, o.condition, `stage ${STAGE}`) : undefined;
        columns[idsOf(o.prompt)] = tokenListVector(
          prompts.map((p, i) => {
            const ids = tokenizer.encode(conditions ? `${conditions[i]} ${p}` : p, { addSpecialTokens: true });
            return o.maxPromptTokens === undefined ? ids : ids.slice(-o.maxPromptTokens);
          }),
        );
      }
      for (const column of o.completions) {
        const texts = readStrings(batch, column, `stage ${STAGE}`);
        columns[idsOf(column)] = tokenListVector(
          texts.map((t) => {
            const ids = [...tokenizer.encode(t, { addSpecialTokens: false }), ...eos];
            return o.maxCompletionTokens === undefined ? ids : ids.slice(0, o.maxCompletionTokens);
          }),
        );
      }
      return of(withColumns(batch, columns));
    });
  },
});
