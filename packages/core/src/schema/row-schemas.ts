/**
 * Row schemas of the dataset shapes the recipes read (DESIGN §3), as zod objects: the type, the
 * validation and the docs in one place. Column-wise readers check types against `COLUMN_TYPES`
 * instead (row objects are too slow in hot paths); these schemas are for small inputs — examples,
 * fixtures, rows handed to `fromRows`, one-off validation in the CLI.
 */
import { z } from 'zod';

const text = z.string();
const score = z.number().refine(Number.isFinite, 'must be a finite number');

/** One conversation turn. */
export const MessageSchema = z.strictObject({ role: z.string().min(1), content: z.string() });
export type Message = z.infer<typeof MessageSchema>;

/** A prompt to sample completions for (SLiC, RSO). */
export const PromptRowSchema = z.strictObject({
  prompt_id: z.string().optional(),
  prompt: text,
});
export type PromptRow = z.infer<typeof PromptRowSchema>;

/** A preference pair (DPO, CoPG): `chosen` ≻ `rejected` for `prompt`. */
export const PreferenceRowSchema = z.strictObject({
  prompt_id: z.string().optional(),
  prompt: text,
  chosen: text,
  rejected: text,
  chosen_reward: score.optional(),
  rejected_reward: score.optional(),
  /** P(chosen ≻ rejected), a soft label. */
  preference: z.number().min(0).max(1).optional(),
});
export type PreferenceRow = z.infer<typeof PreferenceRowSchema>;

/** A scored completion of a prompt (rows of one `prompt_id` travel together). */
export const CompletionRowSchema = z.strictObject({
  prompt_id: z.string(),
  prompt: text.optional(),
  completion: text,
  reward: score.optional(),
  completion_logps: z.number().optional(),
});
export type CompletionRow = z.infer<typeof CompletionRowSchema>;

/** A conversation with a C-RLFT class label and loss weight (OpenChat). */
export const ConversationRowSchema = z.strictObject({
  prompt_id: z.string().optional(),
  messages: z.array(MessageSchema).min(1),
  condition: z.string().optional(),
  weight: score.optional(),
});
export type ConversationRow = z.infer<typeof ConversationRowSchema>;

/** One known dataset shape: its row schema and the columns a reader must find. */
export interface RowShape {
  readonly schema: z.ZodObject;
  /** Columns every row has (the non-optional keys). */
  readonly required: readonly string[];
  /** Columns a row may have. */
  readonly optional: readonly string[];
}

function shape(schema: z.ZodObject): RowShape {
  const required: string[] = [];
  const optional: string[] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    ((field as z.ZodType).safeParse(undefined).success ? optional : required).push(key);
  }
  return { schema, required, optional };
}

/**
 * The known dataset shapes by name, e.g. to read a file as pairs:
 * `readJsonl(path, { columns: ROW_SHAPES.preference.required })`.
 *
 * @example
 * ROW_SHAPES.preference.required; // ['prompt', 'chosen', 'rejected']
 * ROW_SHAPES.preference.schema.parse({ prompt: 'q', chosen: 'a', rejected: 'b' });
 */
export const ROW_SHAPES = {
  prompt: shape(PromptRowSchema),
  preference: shape(PreferenceRowSchema),
  completion: shape(CompletionRowSchema),
  conversation: shape(ConversationRowSchema),
} as const satisfies Record<string, RowShape>;

export type RowShapeName = keyof typeof ROW_SHAPES;
