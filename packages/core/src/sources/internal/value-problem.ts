/**
 * Checks one cell against its Arrow type before it is built into a vector: Arrow's builders
 * coerce silently (a number into a Utf8 column becomes "3"), so a mistyped cell must be caught
 * here, where the file and row are still known.
 */
import { Type, type DataType } from 'apache-arrow';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Why `value` does not fit `type`, or undefined when it does. Paths name nested positions. */
export function valueProblem(value: unknown, type: DataType, path = ''): string | undefined {
  const at = path ? ` at ${path}` : '';
  if (value === null || value === undefined) return `${value === null ? 'null' : 'missing'} value${at}`;
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return typeof value === 'string' ? undefined : `expected a string${at}, got ${describe(value)}`;
    case Type.Float:
      return typeof value === 'number' || typeof value === 'bigint' ? undefined : `expected a number${at}, got ${describe(value)}`;
    case Type.Int:
      return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint' ? undefined : `expected an integer${at}, got ${describe(value)}`;
    case Type.Bool:
      return typeof value === 'boolean' ? undefined : `expected a boolean${at}, got ${describe(value)}`;
    case Type.List:
    case Type.LargeList: {
      if (!Array.isArray(value) && !ArrayBuffer.isView(value)) return `expected a list${at}, got ${describe(value)}`;
      const item = type.children[0]!.type;
      const items = value as ArrayLike<unknown>;
      for (let i = 0; i < items.length; i++) {
        const problem = valueProblem(items[i], item, `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    case Type.Struct: {
      if (typeof value !== 'object' || Array.isArray(value)) return `expected an object${at}, got ${describe(value)}`;
      for (const field of type.children) {
        const problem = valueProblem((value as Record<string, unknown>)[field.name], field.type, `${path}.${field.name}`);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
