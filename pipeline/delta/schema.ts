/**
 * Delta schemas (PROTOCOL.md "Schema Serialization Format") and their mapping to DuckDB types.
 * Primitive types are strings in the JSON (`"long"`, `"decimal(12,2)"`); struct, array and map are
 * objects. Delta `timestamp` is an instant (UTC-adjusted) and maps to DuckDB TIMESTAMPTZ; Delta
 * `timestamp_ntz` is a wall-clock value and maps to DuckDB TIMESTAMP.
 */
import { type DuckDBConnection, type DuckDBType, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import type { DuckDBStructType, DuckDBListType, DuckDBMapType, DuckDBDecimalType, DuckDBArrayType } from '@duckdb/node-api';
import { DeltaError } from './errors';

export type PrimitiveType =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | `decimal(${number},${number})`;

export interface StructField {
  name: string;
  type: DataType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export interface StructType {
  type: 'struct';
  fields: StructField[];
}

export interface ArrayType {
  type: 'array';
  elementType: DataType;
  containsNull: boolean;
}

export interface MapType {
  type: 'map';
  keyType: DataType;
  valueType: DataType;
  valueContainsNull: boolean;
}

export type DataType = PrimitiveType | StructType | ArrayType | MapType;

const PRIMITIVES = new Set(['string', 'long', 'integer', 'short', 'byte', 'float', 'double', 'boolean', 'binary', 'date', 'timestamp', 'timestamp_ntz']);
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

export function isStruct(type: DataType): type is StructType {
  return typeof type === 'object' && type.type === 'struct';
}

export function decimalParts(type: DataType): { precision: number; scale: number } | undefined {
  if (typeof type !== 'string') return undefined;
  const match = DECIMAL.exec(type);
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : undefined;
}

/** Validates a parsed schema JSON value; throws UNSUPPORTED_TYPE naming the field for anything else. */
function parseDataType(value: unknown, where: string): DataType {
  if (typeof value === 'string') {
    if (PRIMITIVES.has(value)) return value as PrimitiveType;
    const decimal = DECIMAL.exec(value);
    if (decimal) return `decimal(${Number(decimal[1])},${Number(decimal[2])})`;
    // Spark wrote `decimal` without arguments in old tables; it means decimal(10,0).
    if (value === 'decimal') return 'decimal(10,0)';
    throw new DeltaError('UNSUPPORTED_TYPE', `unsupported Delta type '${value}' for ${where}`);
  }
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    if (object.type === 'struct') return parseStructType(object, where);
    if (object.type === 'array') {
      return { type: 'array', elementType: parseDataType(object.elementType, `${where}[]`), containsNull: object.containsNull !== false };
    }
    if (object.type === 'map') {
      return {
        type: 'map',
        keyType: parseDataType(object.keyType, `${where}.key`),
        valueType: parseDataType(object.valueType, `${where}.value`),
        valueContainsNull: object.valueContainsNull !== false,
      };
    }
  }
  throw new DeltaError('UNSUPPORTED_TYPE', `unsupported Delta type ${JSON.stringify(value)} for ${where}`);
}

function parseStructType(object: Record<string, unknown>, where: string): StructType {
  if (!Array.isArray(object.fields)) throw new DeltaError('CORRUPT_LOG', `struct type of ${where} has no fields array`);
  return {
    type: 'struct',
    fields: object.fields.map((raw: unknown) => {
      const field = raw as Record<string, unknown>;
      const name = String(field.name);
      const path = where === 'schema' ? name : `${where}.${name}`;
      return {
        name,
        type: parseDataType(field.type, path),
        nullable: field.nullable !== false,
        metadata: (field.metadata as Record<string, unknown> | undefined) ?? {},
      };
    }),
  };
}

/** Parses `metaData.schemaString`. */
export function parseSchemaString(schemaString: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (error) {
    throw new DeltaError('CORRUPT_LOG', `schemaString is not valid JSON: ${(error as Error).message}`);
  }
  const object = json as Record<string, unknown>;
  if (object?.type !== 'struct') throw new DeltaError('CORRUPT_LOG', 'schemaString is not a struct type');
  return parseStructType(object, 'schema');
}

export function schemaToString(schema: StructType): string {
  return JSON.stringify(schema);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The DuckDB type (as SQL text) that holds values of a Delta type. */
export function deltaTypeToDuckDB(type: DataType): string {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return 'VARCHAR';
      case 'long':
        return 'BIGINT';
      case 'integer':
        return 'INTEGER';
      case 'short':
        return 'SMALLINT';
      case 'byte':
        return 'TINYINT';
      case 'float':
        return 'FLOAT';
      case 'double':
        return 'DOUBLE';
      case 'boolean':
        return 'BOOLEAN';
      case 'binary':
        return 'BLOB';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMPTZ';
      case 'timestamp_ntz':
        return 'TIMESTAMP';
    }
    const decimal = decimalParts(type);
    if (decimal) return `DECIMAL(${decimal.precision},${decimal.scale})`;
    throw new DeltaError('UNSUPPORTED_TYPE', `unsupported Delta type '${type}'`);
  }
  switch (type.type) {
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdentifier(f.name)} ${deltaTypeToDuckDB(f.type)}`).join(', ')})`;
    case 'array':
      return `${deltaTypeToDuckDB(type.elementType)}[]`;
    case 'map':
      return `MAP(${deltaTypeToDuckDB(type.keyType)}, ${deltaTypeToDuckDB(type.valueType)})`;
  }
}

/**
 * The Delta type for a DuckDB column type. Unsigned and 128-bit integers widen to the smallest Delta
 * type that holds them; UUID, ENUM and JSON become strings; TIME, INTERVAL, UNION and friends have no
 * Delta counterpart and are refused with the column named.
 */
export function duckDBTypeToDelta(type: DuckDBType, column = 'column'): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
      return 'byte';
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return 'short';
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return 'integer';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return 'long';
    case DuckDBTypeId.UBIGINT:
      return 'decimal(20,0)';
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'decimal(38,0)';
    case DuckDBTypeId.FLOAT:
      return 'float';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.DECIMAL: {
      const decimal = type as DuckDBDecimalType;
      return `decimal(${decimal.width},${decimal.scale})`;
    }
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.ENUM:
      return 'string';
    case DuckDBTypeId.BLOB:
      return 'binary';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamp';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'timestamp_ntz';
    case DuckDBTypeId.STRUCT: {
      const struct = type as DuckDBStructType;
      return {
        type: 'struct',
        fields: struct.entryNames.map((name, i) => ({ name, type: duckDBTypeToDelta(struct.entryTypes[i], `${column}.${name}`), nullable: true, metadata: {} })),
      };
    }
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { type: 'array', elementType: duckDBTypeToDelta((type as DuckDBListType | DuckDBArrayType).valueType, `${column}[]`), containsNull: true };
    case DuckDBTypeId.MAP: {
      const map = type as DuckDBMapType;
      return { type: 'map', keyType: duckDBTypeToDelta(map.keyType, `${column}.key`), valueType: duckDBTypeToDelta(map.valueType, `${column}.value`), valueContainsNull: true };
    }
    case DuckDBTypeId.SQLNULL:
      throw new DeltaError('UNSUPPORTED_TYPE', `column '${column}' has no type (a bare NULL): cast it, e.g. NULL::VARCHAR`);
    default:
      // JSON is a VARCHAR alias in DuckDB.
      if (type.alias === 'JSON') return 'string';
      throw new DeltaError('UNSUPPORTED_TYPE', `column '${column}' has DuckDB type ${type.toString()}, which has no Delta counterpart`);
  }
}

/** The Delta schema of a DuckDB query's result (all fields nullable: DuckDB does not report NOT NULL for queries). */
export async function schemaFromQuery(conn: DuckDBConnection, sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[]): Promise<StructType> {
  const reader = await conn.runAndReadAll(`SELECT * FROM (${sql}) AS q LIMIT 0`, params);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  return { type: 'struct', fields: names.map((name, i) => ({ name, type: duckDBTypeToDelta(types[i], name), nullable: true, metadata: {} })) };
}

export function typeToString(type: DataType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${typeToString(type.elementType)}>`;
    case 'map':
      return `map<${typeToString(type.keyType)},${typeToString(type.valueType)}>`;
  }
}

/** Type equality ignoring nullability and field metadata. */
export function sameType(a: DataType, b: DataType): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.type === 'struct' && b.type === 'struct') {
    return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i].name && sameType(f.type, b.fields[i].type));
  }
  if (a.type === 'array' && b.type === 'array') return sameType(a.elementType, b.elementType);
  if (a.type === 'map' && b.type === 'map') return sameType(a.keyType, b.keyType) && sameType(a.valueType, b.valueType);
  return false;
}

const INTEGER_WIDTH: Record<string, number> = { byte: 1, short: 2, integer: 4, long: 8 };

/** Whether values of `from` can be written into a column of `to` without loss (integer and float widening). */
export function canWiden(from: DataType, to: DataType): boolean {
  if (sameType(from, to)) return true;
  if (typeof from !== 'string' || typeof to !== 'string') return false;
  if (from in INTEGER_WIDTH && to in INTEGER_WIDTH) return INTEGER_WIDTH[from] <= INTEGER_WIDTH[to];
  if (from === 'float' && to === 'double') return true;
  if (from in INTEGER_WIDTH && to === 'double') return INTEGER_WIDTH[from] <= 4;
  const fromDecimal = decimalParts(from);
  const toDecimal = decimalParts(to);
  if (fromDecimal && toDecimal) {
    return toDecimal.scale >= fromDecimal.scale && toDecimal.precision - toDecimal.scale >= fromDecimal.precision - fromDecimal.scale;
  }
  return false;
}

function usesType(type: DataType, wanted: PrimitiveType): boolean {
  if (typeof type === 'string') return type === wanted;
  switch (type.type) {
    case 'struct':
      return type.fields.some((f) => usesType(f.type, wanted));
    case 'array':
      return usesType(type.elementType, wanted);
    case 'map':
      return usesType(type.keyType, wanted) || usesType(type.valueType, wanted);
  }
}

/** Whether a schema needs the `timestampNtz` table feature (reader 3 / writer 7). */
export function needsTimestampNtz(schema: StructType): boolean {
  return usesType(schema, 'timestamp_ntz');
}

/** Finds a (possibly nested, dot-separated) column; undefined when absent. */
export function findField(schema: StructType, column: string): StructField | undefined {
  const direct = schema.fields.find((f) => f.name === column);
  if (direct) return direct;
  const dot = column.indexOf('.');
  if (dot < 0) return undefined;
  let current: StructType = schema;
  const parts = column.split('.');
  for (let i = 0; i < parts.length; i++) {
    const field = current.fields.find((f) => f.name === parts[i]);
    if (!field) return undefined;
    if (i === parts.length - 1) return field;
    if (!isStruct(field.type)) return undefined;
    current = field.type;
  }
  return undefined;
}
