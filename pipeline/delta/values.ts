/**
 * Typed values as they appear in the log: partition values (PROTOCOL.md "Partition Value
 * Serialization": strings, null for null; an empty string is also null) and stats values (JSON
 * numbers, or strings for dates/timestamps). Here they become comparable JS values for data skipping
 * and SQL literals for scans. Zone-less timestamp partition values are read as UTC, as delta-kernel does.
 */
import { DeltaError } from './errors';
import type { DataType } from './schema';
import { decimalParts, deltaTypeToDuckDB } from './schema';

/** A value that orders correctly with `<`/`>` against others of the same column type. */
export type Comparable = number | bigint | string | boolean;

/** What callers may put in predicates. */
export type LiteralValue = number | bigint | string | boolean | Date | null;

const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;

/** Microseconds since the epoch for a timestamp string; zone-less strings are UTC. */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (Number.isNaN(ms)) return undefined;
  const fraction = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  let micros = BigInt(ms) * 1000n + BigInt(fraction || '0');
  const zone = m[8];
  if (zone && !/^(Z|UTC)$/i.test(zone)) {
    const sign = zone[0] === '-' ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
    micros -= sign * minutes * 60_000_000n;
  }
  return micros;
}

export function parseDateDays(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? undefined : Math.round(ms / 86_400_000);
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC (microseconds kept). */
export function formatMicros(micros: bigint, separator = ' '): string {
  const ms = Number(micros / 1000n) - (micros % 1000n < 0n ? 1 : 0);
  const subMs = Number(((micros % 1000n) + 1000n) % 1000n);
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)}${separator}${iso.slice(11, 23)}${String(subMs).padStart(3, '0')}`;
}

function integerComparable(type: string, text: string): Comparable {
  return type === 'long' ? BigInt(text) : Number(text);
}

/** A partition value string (never null here) as a comparable value of the column's type. */
export function partitionComparable(type: DataType, raw: string): Comparable {
  if (typeof type !== 'string') throw new DeltaError('UNSUPPORTED_TYPE', `partition column of non-primitive type ${JSON.stringify(type)}`);
  switch (type) {
    case 'string':
    case 'binary':
      return raw;
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return integerComparable(type, raw.trim());
    case 'float':
    case 'double':
      return Number(raw);
    case 'boolean':
      return raw.toLowerCase() === 'true';
    case 'date': {
      const days = parseDateDays(raw);
      if (days === undefined) throw new DeltaError('CORRUPT_LOG', `partition value '${raw}' is not a date`);
      return days;
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros = parseTimestampMicros(raw);
      if (micros === undefined) throw new DeltaError('CORRUPT_LOG', `partition value '${raw}' is not a timestamp`);
      return micros;
    }
    default:
      if (decimalParts(type)) return Number(raw);
      throw new DeltaError('UNSUPPORTED_TYPE', `unsupported partition type ${type}`);
  }
}

/** A stats value (JSON number or string) as a comparable value; undefined when unusable. */
export function statsComparable(type: DataType, value: unknown): Comparable | undefined {
  if (value === null || value === undefined || typeof type !== 'string') return undefined;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'long':
      return typeof value === 'number' || typeof value === 'bigint' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : undefined;
    case 'integer':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return typeof value === 'number' ? value : undefined;
    case 'date':
      return typeof value === 'string' ? parseDateDays(value.slice(0, 10)) : undefined;
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof value === 'string' ? parseTimestampMicros(value) : undefined;
    default:
      if (decimalParts(type)) return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : undefined;
      return undefined;
  }
}

/** A predicate literal as a comparable value of the column's type. */
export function literalComparable(type: DataType, value: LiteralValue, column: string): Comparable | null {
  if (value === null) return null;
  if (typeof type !== 'string') throw new DeltaError('INVALID_ARGUMENT', `cannot compare nested column '${column}' with a literal`);
  const bad = (): never => {
    throw new DeltaError('INVALID_ARGUMENT', `predicate value ${String(value)} does not fit column '${column}' of type ${type}`);
  };
  switch (type) {
    case 'date':
      if (value instanceof Date) return Math.floor(value.getTime() / 86_400_000);
      if (typeof value === 'string') return parseDateDays(value) ?? bad();
      return bad();
    case 'timestamp':
    case 'timestamp_ntz':
      if (value instanceof Date) return BigInt(value.getTime()) * 1000n;
      if (typeof value === 'string') return parseTimestampMicros(value) ?? bad();
      if (typeof value === 'number') return BigInt(Math.round(value)) * 1000n;
      return bad();
    case 'string':
    case 'binary':
      return typeof value === 'string' ? value : bad();
    case 'boolean':
      return typeof value === 'boolean' ? value : bad();
    case 'long':
      if (typeof value === 'bigint' || typeof value === 'number') return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
      return bad();
    default:
      if (typeof value === 'number' || typeof value === 'bigint') return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return bad();
  }
}

/** Orders two comparables; strings by code point (the byte order of UTF-8, which stats use). */
export function compareValues(a: Comparable, b: Comparable): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800-DFFF) encode code points above U+FFFF, which sort after U+E000-FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** SQL literal for a partition value of a column type (null → typed NULL). */
export function partitionSqlLiteral(type: DataType, raw: string | null): string {
  const duck = deltaTypeToDuckDB(type);
  if (raw === null) return `CAST(NULL AS ${duck})`;
  if (type === 'timestamp' || type === 'timestamp_ntz') {
    const micros = parseTimestampMicros(raw);
    if (micros === undefined) throw new DeltaError('CORRUPT_LOG', `partition value '${raw}' is not a timestamp`);
    return type === 'timestamp' ? `TIMESTAMPTZ ${sqlString(`${formatMicros(micros)}+00`)}` : `TIMESTAMP ${sqlString(formatMicros(micros))}`;
  }
  // BLOB casts interpret backslash escapes; encode() takes the UTF-8 bytes as they are.
  if (type === 'binary') return `encode(${sqlString(raw)})`;
  return `CAST(${sqlString(raw)} AS ${duck})`;
}

/** SQL literal for a predicate value compared with a column of a type. */
export function literalSql(type: DataType, value: LiteralValue, column: string): string {
  const duck = typeof type === 'string' ? deltaTypeToDuckDB(type) : 'VARCHAR';
  if (value === null) return `CAST(NULL AS ${duck})`;
  const comparable = literalComparable(type, value, column);
  if (type === 'timestamp' || type === 'timestamp_ntz') {
    const text = formatMicros(comparable as bigint);
    return type === 'timestamp' ? `TIMESTAMPTZ ${sqlString(`${text}+00`)}` : `TIMESTAMP ${sqlString(text)}`;
  }
  if (type === 'date') return `DATE ${sqlString(new Date(Number(comparable) * 86_400_000).toISOString().slice(0, 10))}`;
  if (type === 'binary') return `encode(${sqlString(String(value))})`;
  if (typeof comparable === 'string') return `CAST(${sqlString(comparable)} AS ${duck})`;
  return `CAST(${String(typeof value === 'string' ? comparable : value)} AS ${duck})`;
}

/**
 * Normalises a partition value as DuckDB renders it (`partition_keys` of COPY ... RETURN_STATS) to the
 * Delta serialization: empty strings are null, timestamps become ISO-8601 UTC with microseconds.
 */
export function serializePartitionValue(type: DataType, rendered: string | null): string | null {
  if (rendered === null || rendered === '') return null;
  if (type === 'timestamp' || type === 'timestamp_ntz') {
    const micros = parseTimestampMicros(rendered);
    if (micros === undefined) throw new DeltaError('WRITE_FAILED', `DuckDB rendered partition timestamp '${rendered}' in an unknown format`);
    const text = formatMicros(micros, 'T');
    return type === 'timestamp' ? `${text}Z` : text.replace('T', ' ');
  }
  if (type === 'boolean') return rendered.toLowerCase() === 'true' || rendered === '1' ? 'true' : 'false';
  return rendered;
}
