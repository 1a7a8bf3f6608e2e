import { describe, expect, it } from 'vitest';
import { Float64, Utf8, vectorFromArray } from 'apache-arrow';
import { makeBatch } from '../batch/columns.js';
import { float32Vector, utf8Vector } from '../batch/vectors.js';
import { DataError } from '../errors/data-error.js';
import { ConfigError } from '../errors/config-error.js';
import { validateBatch } from './validate-batch.js';
import { arrowSchema, resolveColumnTypes, typeAccepts } from './arrow-schema.js';
import { messagesType } from './columns.js';
import { ROW_SHAPES } from './row-schemas.js';

describe('schemas', () => {
  it('builds Arrow schemas from known columns, messages as List<Struct>', () => {
    const schema = arrowSchema(['prompt', 'reward', 'prompt_ids', 'messages']);
    expect(schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
      'prompt: Utf8',
      'reward: Float32',
      'prompt_ids: List<Int32>',
      'messages: List<Struct<{role:Utf8, content:Utf8}>>',
    ]);
    expect(() => resolveColumnTypes(['promt'], 'readJsonl')).toThrow(ConfigError);
    expect(() => resolveColumnTypes(['promt'], 'readJsonl')).toThrow(/readJsonl: unknown column "promt".*prompt_id, prompt/);
    expect(Object.keys(resolveColumnTypes({ score: new Float64() }))).toEqual(['score']);
  });

  it('knows the required and optional columns of each row shape', () => {
    expect(ROW_SHAPES.preference.required).toEqual(['prompt', 'chosen', 'rejected']);
    expect(ROW_SHAPES.preference.optional).toContain('preference');
    expect(ROW_SHAPES.completion.required).toEqual(['prompt_id', 'completion']);
    expect(ROW_SHAPES.conversation.required).toEqual(['messages']);
    expect(ROW_SHAPES.conversation.schema.safeParse({ messages: [{ role: 'user', content: 'hi' }], weight: 1 }).success).toBe(true);
    expect(ROW_SHAPES.preference.schema.safeParse({ prompt: 'q', chosen: 'a', rejected: 'b', preference: 1.5 }).success).toBe(false);
    expect(ROW_SHAPES.prompt.schema.safeParse({ prompt: 'q', extra: 1 }).success).toBe(false);
  });

  it('validates required columns and types, naming where and the column', () => {
    const batch = makeBatch({ prompt: utf8Vector(['q']), reward: float32Vector([1]) });
    expect(validateBatch(batch, ['prompt', 'reward'], 'stage x')).toBe(batch);
    expect(() => validateBatch(batch, ['prompt', 'chosen'], 'pairs.parquet')).toThrow(DataError);
    expect(() => validateBatch(batch, ['prompt', 'chosen'], 'pairs.parquet')).toThrow(/pairs.parquet, field "chosen": missing required column \(present: prompt, reward\)/);
    expect(() => validateBatch(batch, { reward: new Utf8() }, 'stage y')).toThrow(/stage y, field "reward": expected Utf8, got Float32/);
    const conv = makeBatch({ messages: vectorFromArray([[{ role: 'user', content: 'hi' }]], messagesType()) });
    expect(validateBatch(conv, ['messages'], 'c')).toBe(conv);
  });

  it('accepts compatible types', () => {
    expect(typeAccepts(new Float64(), float32Vector([1]).type)).toBe(true);
    expect(typeAccepts(new Utf8(), float32Vector([1]).type)).toBe(false);
  });
});
