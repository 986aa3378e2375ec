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

/**
 * A predicate with its literals converted once to comparables of their column's type and each leaf
 * marked as a partition or data column, so evaluating it over 100,000 files does no parsing.
 */
type Compiled =
  | { op: 'and' | 'or'; args: Compiled[]; partitionOnly: boolean }
  | { op: 'not'; arg: Compiled; partitionOnly: boolean }
  | { op: 'leaf'; kind: Predicate['op']; column: string; type: DataType; partition: boolean; values: (Comparable | null)[]; partitionOnly: boolean };

function compile(p: Predicate, schema: StructType, partitions: ReadonlySet<string>): Compiled {
  switch (p.op) {
    case 'and':
    case 'or': {
      // Partition-only arguments first: they are exact and need no stats parsing.
      const args = p.args.map((a) => compile(a, schema, partitions)).sort((a, b) => Number(b.partitionOnly) - Number(a.partitionOnly));
      return { op: p.op, args, partitionOnly: args.every((a) => a.partitionOnly) };
    }
    case 'not': {
      const arg = compile(p.arg, schema, partitions);
      return { op: 'not', arg, partitionOnly: arg.partitionOnly };
    }
    default: {
      const type = columnType(schema, p.column);
      const raw = p.op === 'in' ? p.values : p.op === 'between' ? [p.low, p.high] : 'value' in p ? [p.value] : [];
      const partition = partitions.has(p.column);
      return { op: 'leaf', kind: p.op, column: p.column, type, partition, values: raw.map((v) => literalComparable(type, v, p.column)), partitionOnly: partition };
    }
  }
}

/** SQL three-valued result of a partition-only predicate (true, false, or null for unknown). */
type Tri = boolean | null;

function exact(c: Compiled, file: SkippableFile): Tri {
  switch (c.op) {
    case 'and': {
      let result: Tri = true;
      for (const arg of c.args) {
        const v = exact(arg, file);
        if (v === false) return false;
        if (v === null) result = null;
      }
      return result;
    }
    case 'or': {
      let result: Tri = false;
      for (const arg of c.args) {
        const v = exact(arg, file);
        if (v === true) return true;
        if (v === null) result = null;
      }
      return result;
    }
    case 'not': {
      const v = exact(c.arg, file);
      return v === null ? null : !v;
    }
  }
  const raw = file.partitionValues[c.column] ?? null;
  if (c.kind === 'isNull') return raw === null;
  if (c.kind === 'isNotNull') return raw !== null;
  if (raw === null) return null;
  const value = partitionComparable(c.type, raw);
  const cmp = (other: Comparable | null): number | null => (other === null ? null : compareValues(value, other));
  switch (c.kind) {
    case 'in': {
      const results = c.values.map(cmp);
      if (results.some((r) => r === 0)) return true;
      return results.some((r) => r === null) ? null : false;
    }
    case 'between': {
      const low = cmp(c.values[0]);
      const high = cmp(c.values[1]);
      if (low === null || high === null) return null;
      return low >= 0 && high <= 0;
    }
    default: {
      const r = cmp(c.values[0]);
      if (r === null) return null;
      return { '=': r === 0, '!=': r !== 0, '<': r < 0, '<=': r <= 0, '>': r > 0, '>=': r >= 0 }[c.kind as ComparisonOp];
    }
  }
}

function statsSkip(c: Extract<Compiled, { op: 'leaf' }>, file: SkippableFile): boolean {
  const stats = file.stats;
  if (!stats) return false;
  const { type, column } = c;
  const numRecords = stats.numRecords;
  const nullCountRaw = statFor(stats.nullCount, column);
  const nullCount = typeof nullCountRaw === 'number' ? nullCountRaw : undefined;
  if (c.kind === 'isNull') return nullCount === 0;
  const allNull = numRecords !== undefined && nullCount !== undefined && nullCount === numRecords;
  if (c.kind === 'isNotNull') return allNull;
  if (allNull) return true; // every comparison with NULL is unknown: no row matches
  const min = statsComparable(type, statFor(stats.minValues, column));
  let max = statsComparable(type, statFor(stats.maxValues, column));
  if (min === undefined || max === undefined) return false;
  // Spark truncates timestamp maxima to milliseconds; widen by the lost microseconds.
  if ((type === 'timestamp' || type === 'timestamp_ntz') && typeof max === 'bigint') max += 999n;
  const outside = (v: Comparable): boolean => compareValues(v, min) < 0 || compareValues(v, max) > 0;
  switch (c.kind) {
    case 'in':
      return c.values.filter((v): v is Comparable => v !== null).every(outside);
    case 'between': {
      const [low, high] = c.values;
      if (low === null || high === null) return true;
      return compareValues(high, min) < 0 || compareValues(low, max) > 0;
    }
    default: {
      const v = c.values[0];
      if (v === null || v === undefined) return true;
      switch (c.kind) {
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
        default:
          return false;
      }
    }
  }
}

function canSkip(c: Compiled, file: SkippableFile): boolean {
  if (c.partitionOnly) {
    const value = exact(c, file);
    return value === false || value === null;
  }
  switch (c.op) {
    case 'and':
      return c.args.some((a) => canSkip(a, file));
    case 'or':
      return c.args.every((a) => canSkip(a, file));
    case 'not':
      return false; // NOT over data columns: min/max cannot prove anything cheaply
    default:
      return statsSkip(c, file);
  }
}

/** Compiles a predicate once for many files: returns "may this file hold matching rows?". */
export function compileSkipping(predicate: Predicate, schema: StructType, partitionColumns: readonly string[]): (file: SkippableFile) => boolean {
  const compiled = compile(predicate, schema, new Set(partitionColumns));
  return (file) => !canSkip(compiled, file);
}

/** True when the file may hold rows matching the predicate; false when it certainly holds none. */
export function evaluateSkipping(predicate: Predicate, file: SkippableFile, schema: StructType, partitionColumns?: readonly string[]): boolean {
  return compileSkipping(predicate, schema, partitionColumns ?? Object.keys(file.partitionValues))(file);
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
