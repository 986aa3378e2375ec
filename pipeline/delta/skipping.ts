/**
 * Data skipping (PROTOCOL.md "Per-file Statistics"): a small typed predicate AST, evaluated per file
 * against its partition values (exactly) and its min/max/nullCount stats (conservatively), so a scan
 * reads only files that may hold matching rows. `evaluateSkipping` returns false only when the file
 * certainly holds no matching row. The same predicate renders as a SQL WHERE clause for DuckDB.
 */
import { DeltaError } from './errors';
import type { DataType, StructType } from './schema';
import { findField, quoteIdentifier } from './schema';
import { statFor } from './stats';
import type { Comparable, LiteralValue } from './values';
import { compareValues, literalComparable, literalSql, partitionComparable, statsComparable } from './values';

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Predicate =
  | { op: 'and' | 'or'; args: Predicate[] }
  | { op: 'not'; arg: Predicate }
  | { op: ComparisonOp; column: string; value: LiteralValue }
  | { op: 'in'; column: string; values: LiteralValue[] }
  | { op: 'between'; column: string; low: LiteralValue; high: LiteralValue }
  | { op: 'isNull' | 'isNotNull'; column: string };

/** Builders, so call sites read like the SQL they stand for. */
export const where = {
  and: (...args: Predicate[]): Predicate => ({ op: 'and', args }),
  or: (...args: Predicate[]): Predicate => ({ op: 'or', args }),
  not: (arg: Predicate): Predicate => ({ op: 'not', arg }),
  eq: (column: string, value: LiteralValue): Predicate => ({ op: '=', column, value }),
  ne: (column: string, value: LiteralValue): Predicate => ({ op: '!=', column, value }),
  lt: (column: string, value: LiteralValue): Predicate => ({ op: '<', column, value }),
  le: (column: string, value: LiteralValue): Predicate => ({ op: '<=', column, value }),
  gt: (column: string, value: LiteralValue): Predicate => ({ op: '>', column, value }),
  ge: (column: string, value: LiteralValue): Predicate => ({ op: '>=', column, value }),
  in: (column: string, values: LiteralValue[]): Predicate => ({ op: 'in', column, values }),
  between: (column: string, low: LiteralValue, high: LiteralValue): Predicate => ({ op: 'between', column, low, high }),
  isNull: (column: string): Predicate => ({ op: 'isNull', column }),
  isNotNull: (column: string): Predicate => ({ op: 'isNotNull', column }),
};

/** What evaluateSkipping needs of a file (AddFile satisfies it). */
export interface SkippableFile {
  partitionValues: Record<string, string | null>;
  stats?: { numRecords?: number; minValues?: Record<string, unknown>; maxValues?: Record<string, unknown>; nullCount?: Record<string, unknown> };
}

function columnType(schema: StructType, column: string): DataType {
  const field = findField(schema, column);
  if (!field) throw new DeltaError('INVALID_ARGUMENT', `predicate column '${column}' is not in the table schema`);
  return field.type;
}

/** SQL three-valued result of a predicate over partition values only; undefined when it needs data columns. */
type Tri = boolean | null | undefined;

function exact(p: Predicate, file: SkippableFile, schema: StructType, partitions: ReadonlySet<string>): Tri {
  switch (p.op) {
    case 'and': {
      const values = p.args.map((a) => exact(a, file, schema, partitions));
      if (values.some((v) => v === false)) return false;
      if (values.some((v) => v === undefined)) return undefined;
      return values.some((v) => v === null) ? null : true;
    }
    case 'or': {
      const values = p.args.map((a) => exact(a, file, schema, partitions));
      if (values.some((v) => v === true)) return true;
      if (values.some((v) => v === undefined)) return undefined;
      return values.some((v) => v === null) ? null : false;
    }
    case 'not': {
      const value = exact(p.arg, file, schema, partitions);
      return value === undefined || value === null ? value : !value;
    }
    default:
      break;
  }
  if (!partitions.has(p.column)) return undefined;
  const type = columnType(schema, p.column);
  const raw = file.partitionValues[p.column] ?? null;
  if (p.op === 'isNull') return raw === null;
  if (p.op === 'isNotNull') return raw !== null;
  if (raw === null) return null;
  const value = partitionComparable(type, raw);
  const cmp = (literal: LiteralValue): number | null => {
    const other = literalComparable(type, literal, p.column);
    return other === null ? null : compareValues(value, other);
  };
  switch (p.op) {
    case 'in': {
      const results = p.values.map(cmp);
      if (results.some((r) => r === 0)) return true;
      return results.some((r) => r === null) ? null : false;
    }
    case 'between': {
      const low = cmp(p.low);
      const high = cmp(p.high);
      if (low === null || high === null) return null;
      return low >= 0 && high <= 0;
    }
    default: {
      if (!('value' in p)) return undefined;
      const c = cmp(p.value);
      if (c === null) return null;
      return { '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[p.op];
    }
  }
}

function statsSkip(p: Exclude<Predicate, { op: 'and' | 'or' | 'not' }>, file: SkippableFile, schema: StructType): boolean {
  const stats = file.stats;
  if (!stats) return false;
  const type = columnType(schema, p.column);
  const numRecords = stats.numRecords;
  const nullCountRaw = statFor(stats.nullCount, p.column);
  const nullCount = typeof nullCountRaw === 'number' ? nullCountRaw : undefined;
  if (p.op === 'isNull') return nullCount === 0;
  const allNull = numRecords !== undefined && nullCount !== undefined && nullCount === numRecords;
  if (p.op === 'isNotNull') return allNull;
  if (allNull) return true; // every comparison with NULL is unknown: no row matches
  const min = statsComparable(type, statFor(stats.minValues, p.column));
  let max = statsComparable(type, statFor(stats.maxValues, p.column));
  if (min === undefined || max === undefined) return false;
  // Spark truncates timestamp maxima to milliseconds; widen by the lost microseconds.
  if ((type === 'timestamp' || type === 'timestamp_ntz') && typeof max === 'bigint') max += 999n;
  const lit = (value: LiteralValue): Comparable | null => literalComparable(type, value, p.column);
  const outside = (v: Comparable): boolean => compareValues(v, min) < 0 || compareValues(v, max) > 0;
  switch (p.op) {
    case 'in': {
      const values = p.values.map(lit).filter((v): v is Comparable => v !== null);
      return values.every(outside);
    }
    case 'between': {
      const low = lit(p.low);
      const high = lit(p.high);
      if (low === null || high === null) return true;
      return compareValues(high, min) < 0 || compareValues(low, max) > 0;
    }
    default: {
      if (!('value' in p)) return false;
      const v = lit(p.value);
      if (v === null) return true;
      switch (p.op) {
        case '=':
          return outside(v);
        case '!=':
          return compareValues(min, v) === 0 && compareValues(max, v) === 0 && type !== 'string';
        case '<':
          return compareValues(min, v) >= 0;
        case '<=':
          return compareValues(min, v) > 0;
        case '>':
          return compareValues(max, v) <= 0;
        case '>=':
          return compareValues(max, v) < 0;
      }
    }
  }
}

function canSkip(p: Predicate, file: SkippableFile, schema: StructType, partitions: ReadonlySet<string>): boolean {
  switch (p.op) {
    case 'and':
      return p.args.some((a) => canSkip(a, file, schema, partitions));
    case 'or':
      return p.args.every((a) => canSkip(a, file, schema, partitions));
    case 'not': {
      const value = exact(p.arg, file, schema, partitions);
      return value === true || value === null;
    }
    default:
      if (partitions.has(p.column)) {
        const value = exact(p, file, schema, partitions);
        return value === false || value === null;
      }
      return statsSkip(p, file, schema);
  }
}

/** True when the file may hold rows matching the predicate; false when it certainly holds none. */
export function evaluateSkipping(predicate: Predicate, file: SkippableFile, schema: StructType, partitionColumns?: readonly string[]): boolean {
  const partitions = new Set(partitionColumns ?? Object.keys(file.partitionValues));
  return !canSkip(predicate, file, schema, partitions);
}

function columnSql(column: string, schema: StructType): string {
  if (schema.fields.some((f) => f.name === column)) return quoteIdentifier(column);
  return column.split('.').map(quoteIdentifier).join('.');
}

/** The predicate as a DuckDB boolean expression with inline literals (safe to embed in a view). */
export function predicateSql(p: Predicate, schema: StructType): string {
  switch (p.op) {
    case 'and':
      return p.args.length === 0 ? 'TRUE' : `(${p.args.map((a) => predicateSql(a, schema)).join(' AND ')})`;
    case 'or':
      return p.args.length === 0 ? 'FALSE' : `(${p.args.map((a) => predicateSql(a, schema)).join(' OR ')})`;
    case 'not':
      return `(NOT ${predicateSql(p.arg, schema)})`;
    default:
      break;
  }
  const type = columnType(schema, p.column);
  const column = columnSql(p.column, schema);
  switch (p.op) {
    case 'isNull':
      return `(${column} IS NULL)`;
    case 'isNotNull':
      return `(${column} IS NOT NULL)`;
    case 'in':
      return p.values.length === 0 ? 'FALSE' : `(${column} IN (${p.values.map((v) => literalSql(type, v, p.column)).join(', ')}))`;
    case 'between':
      return `(${column} BETWEEN ${literalSql(type, p.low, p.column)} AND ${literalSql(type, p.high, p.column)})`;
    default:
      return `(${column} ${p.op === '!=' ? '<>' : p.op} ${literalSql(type, p.value, p.column)})`;
  }
}

/** Columns a predicate mentions (top-level names). */
export function predicateColumns(p: Predicate): string[] {
  switch (p.op) {
    case 'and':
    case 'or':
      return p.args.flatMap(predicateColumns);
    case 'not':
      return predicateColumns(p.arg);
    default:
      return [p.column];
  }
}
