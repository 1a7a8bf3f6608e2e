/**
 * Column names of the Arrow batches that flow between stages (DESIGN §3). They follow TRL's
 * dataset columns so datasets carry over. Stages name columns only through these constants.
 */
import { Field, Float32, Int32, List, Struct, Utf8, type DataType } from 'apache-arrow';

export const COLUMNS = {
  promptId: 'prompt_id',
  prompt: 'prompt',
  completion: 'completion',
  chosen: 'chosen',
  rejected: 'rejected',
  messages: 'messages',
  promptIds: 'prompt_ids',
  completionIds: 'completion_ids',
  chosenIds: 'chosen_ids',
  rejectedIds: 'rejected_ids',
  completionLogps: 'completion_logps',
  reward: 'reward',
  chosenReward: 'chosen_reward',
  rejectedReward: 'rejected_reward',
  preference: 'preference',
  refChosenLogps: 'ref_chosen_logps',
  refRejectedLogps: 'ref_rejected_logps',
  refLogps: 'ref_logps',
  condition: 'condition',
  weight: 'weight',
} as const;

export type ColumnName = (typeof COLUMNS)[keyof typeof COLUMNS];

const tokenIds = () => new List(new Field('item', new Int32(), true));

/**
 * The type of a conversation: `List<Struct<role: Utf8, content: Utf8>>`, one struct per turn
 * (the shape of TRL's conversational datasets and of `chat_template` inputs).
 *
 * @example
 * vectorFromArray([[{ role: 'user', content: 'hi' }]], messagesType());
 */
export function messagesType(): List<Struct<{ role: Utf8; content: Utf8 }>> {
  const turn = new Struct<{ role: Utf8; content: Utf8 }>([new Field('role', new Utf8(), false), new Field('content', new Utf8(), false)]);
  return new List(new Field('item', turn, true));
}

/** The Arrow type of every known column. Stages may add their own columns with any type. */
export const COLUMN_TYPES: Record<ColumnName, () => DataType> = {
  messages: messagesType,
  prompt_id: () => new Utf8(),
  prompt: () => new Utf8(),
  completion: () => new Utf8(),
  chosen: () => new Utf8(),
  rejected: () => new Utf8(),
  prompt_ids: tokenIds,
  completion_ids: tokenIds,
  chosen_ids: tokenIds,
  rejected_ids: tokenIds,
  completion_logps: () => new Float32(),
  reward: () => new Float32(),
  chosen_reward: () => new Float32(),
  rejected_reward: () => new Float32(),
  preference: () => new Float32(),
  ref_chosen_logps: () => new Float32(),
  ref_rejected_logps: () => new Float32(),
  ref_logps: () => new Float32(),
  condition: () => new Utf8(),
  weight: () => new Float32(),
};
