/**
 * Arrow schemas from column lists. Known columns (DESIGN §3) take their type from
 * `COLUMN_TYPES`; any other column needs an explicit type, so a typo in a column name is an
 * error at configuration time rather than a silently untyped column.
 */
import { DataType, Field, Schema, Type } from 'apache-arrow';
import { ConfigError } from '../errors/config-error.js';
import { COLUMN_TYPES, type ColumnName } from './columns.js';

/** Columns as names of known columns, or as an explicit name → type map. */
export type ColumnList = readonly string[] | Readonly<Record<string, DataType>>;

/**
 * True when `name` is a column of DESIGN §3.
 *
 * @example
 * isKnownColumn('chosen_reward'); // true
 */
export function isKnownColumn(name: string): name is ColumnName {
  return Object.hasOwn(COLUMN_TYPES, name);
}

/**
 * The type of every column in `columns`, in order. Unknown names are a {@link ConfigError}
 * naming `where` and listing the known columns.
 *
 * @example
 * resolveColumnTypes(['prompt', 'reward']); // { prompt: Utf8, reward: Float32 }
 */
export function resolveColumnTypes(columns: ColumnList, where = 'columns'): Record<string, DataType> {
  if (!Array.isArray(columns)) return { ...(columns as Readonly<Record<string, DataType>>) };
  const out: Record<string, DataType> = {};
  for (const name of columns as readonly string[]) {
    if (!isKnownColumn(name)) {
      throw new ConfigError(where, `unknown column "${name}": give its Arrow type explicitly, or use one of ${Object.keys(COLUMN_TYPES).join(', ')}`);
    }
    out[name] = COLUMN_TYPES[name]();
  }
  return out;
}

/**
 * An Arrow schema for `columns` (fields nullable, in the given order).
 *
 * @example
 * arrowSchema(['prompt', 'chosen', 'rejected', 'messages']).fields.map(String);
 * // ['prompt: Utf8', …, 'messages: List<Struct<{role:Utf8, content:Utf8}>>']
 */
export function arrowSchema(columns: ColumnList): Schema {
  return new Schema(Object.entries(resolveColumnTypes(columns)).map(([name, type]) => new Field(name, type, true)));
}

/**
 * Whether values of type `actual` can be read as `expected` by the batch readers
 * (`readFloat32` takes any number column, `readStrings` any string column, …).
 *
 * @example
 * typeAccepts(new Float32(), new Float64()); // true
 * typeAccepts(new Float32(), new Utf8()); // false
 */
export function typeAccepts(expected: DataType, actual: DataType): boolean {
  const e = expected.typeId;
  const a = actual.typeId;
  if (e === Type.Utf8 || e === Type.LargeUtf8) return a === Type.Utf8 || a === Type.LargeUtf8 || (a === Type.Dictionary && DataType.isUtf8((actual as unknown as { valueType: DataType }).valueType));
  if (e === Type.Float) return a === Type.Float || a === Type.Int;
  if (e === Type.Int) return a === Type.Int;
  if (e === Type.Bool) return a === Type.Bool;
  if (e === Type.List || e === Type.LargeList) {
    return (a === Type.List || a === Type.LargeList) && typeAccepts(expected.children[0]!.type, actual.children[0]!.type);
  }
  if (e === Type.Struct) {
    if (a !== Type.Struct) return false;
    return expected.children.every((field) => {
      const other = actual.children.find((f) => f.name === field.name);
      return other !== undefined && typeAccepts(field.type, other.type);
    });
  }
  return String(expected) === String(actual);
}
