/**
 * Arrow types to Parquet schema elements (flattened, depth-first, as the Parquet footer stores
 * them). Lists use the standard three-level LIST layout so other readers (pyarrow, DuckDB) agree.
 */
import { Precision, Type, type DataType, type Field, type Schema } from 'apache-arrow';
import type { ParquetWriter } from 'hyparquet-writer';
import { ConfigError } from '../../errors/config-error.js';

/** The writer's own schema element type (it pins its own hyparquet version). */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

function elements(name: string, type: DataType, path: string): SchemaElement[] {
  const optional = 'OPTIONAL' as const;
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: optional }];
    case Type.Float:
      return [{ name, type: (type as unknown as { precision: Precision }).precision === Precision.DOUBLE ? 'DOUBLE' : 'FLOAT', repetition_type: optional }];
    case Type.Int:
      return [{ name, type: (type as unknown as { bitWidth: number }).bitWidth === 64 ? 'INT64' : 'INT32', repetition_type: optional }];
    case Type.Bool:
      return [{ name, type: 'BOOLEAN', repetition_type: optional }];
    case Type.List:
    case Type.LargeList:
      return [
        { name, repetition_type: optional, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...elements('element', type.children[0]!.type, `${path}[]`),
      ];
    case Type.Struct:
      return [
        { name, repetition_type: optional, num_children: type.children.length },
        ...type.children.flatMap((child: Field) => elements(child.name, child.type, `${path}.${child.name}`)),
      ];
    default:
      throw new ConfigError('writeParquet', `column "${path}": Arrow type ${type} has no Parquet mapping here`);
  }
}

export function parquetSchemaOf(schema: Schema): SchemaElement[] {
  return [{ name: 'root', num_children: schema.fields.length }, ...schema.fields.flatMap((f) => elements(f.name, f.type, f.name))];
}

/** Whether a column's values must be BigInt for the writer (INT64 leaves). */
export function isInt64(type: DataType): boolean {
  return type.typeId === Type.Int && (type as unknown as { bitWidth: number }).bitWidth === 64;
}
