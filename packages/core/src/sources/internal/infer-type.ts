/**
 * The type of a column nobody declared: known columns (DESIGN §3) take `COLUMN_TYPES`, others
 * are inferred from a sample value. Anything ambiguous is an error asking for `columns`.
 */
import { Bool, Field, Float64, Int32, List, Utf8, type DataType } from 'apache-arrow';
import { ConfigError } from '../../errors/config-error.js';
import { COLUMN_TYPES } from '../../schema/columns.js';
import { isKnownColumn } from '../../schema/arrow-schema.js';

export function inferColumnType(name: string, sample: unknown, where: string): DataType {
  if (isKnownColumn(name)) return COLUMN_TYPES[name]();
  if (typeof sample === 'string') return new Utf8();
  if (typeof sample === 'number' || typeof sample === 'bigint') return new Float64();
  if (typeof sample === 'boolean') return new Bool();
  if (Array.isArray(sample) && sample.length > 0 && sample.every((v) => Number.isInteger(v))) return new List(new Field('item', new Int32(), true));
  throw new ConfigError(where, `cannot infer the type of column "${name}" from ${JSON.stringify(sample)?.slice(0, 40)}: pass its type in \`columns\``);
}
