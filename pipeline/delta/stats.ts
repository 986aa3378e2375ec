/**
 * Per-file column statistics (PROTOCOL.md "Per-file Statistics"): `numRecords`, and per leaf column
 * `minValues`, `maxValues`, `nullCount`, nested like the schema's structs. Conventions we follow when
 * writing, as Spark does: no stats for partition columns, the first `delta.dataSkippingNumIndexedCols`
 * (default 32) leaf columns only, strings cut to 32 characters (a cut max gets U+10FFFF appended so it
 * stays an upper bound), timestamps as ISO-8601 with milliseconds (max rounded up), no min/max for
 * booleans, binaries, arrays and maps, nor for floats holding NaN. Numbers are written as the exact
 * decimal text DuckDB reports, so decimals and large longs keep their value.
 */
import type { DataType, StructType } from './schema';
import { decimalParts, isStruct } from './schema';
import { parseTimestampMicros } from './values';

export interface FileStats {
  numRecords?: number;
  minValues?: Record<string, unknown>;
  maxValues?: Record<string, unknown>;
  nullCount?: Record<string, unknown>;
  tightBounds?: boolean;
}

const STRING_PREFIX = 32;
const DEFAULT_INDEXED_COLUMNS = 32;

/** Raw per-column statistics as DuckDB's COPY ... RETURN_STATS reports them (all values text). */
export type ColumnStatistics = Map<string, Map<string, string | null>>;

/** A number we must write verbatim into the JSON (decimal text that JSON.stringify would round). */
class RawNumber {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function msIso(micros: bigint, roundUp: boolean, zone: boolean): string {
  let ms = micros / 1000n;
  if (micros % 1000n < 0n) ms -= 1n; // floor for pre-1970 values
  if (roundUp && micros % 1000n !== 0n) ms += 1n;
  const iso = new Date(Number(ms)).toISOString();
  return zone ? iso : iso.slice(0, -1);
}

function truncateMin(text: string): string {
  const chars = Array.from(text);
  return chars.length <= STRING_PREFIX ? text : chars.slice(0, STRING_PREFIX).join('');
}

function truncateMax(text: string): string {
  const chars = Array.from(text);
  return chars.length <= STRING_PREFIX ? text : `${chars.slice(0, STRING_PREFIX).join('')}\u{10FFFF}`;
}

function statValue(type: DataType, text: string, bound: 'min' | 'max'): unknown {
  switch (type) {
    case 'string':
      return bound === 'min' ? truncateMin(text) : truncateMax(text);
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return NUMBER_TEXT.test(text) ? new RawNumber(text) : undefined;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros = parseTimestampMicros(text);
      return micros === undefined ? undefined : msIso(micros, bound === 'max', type === 'timestamp');
    }
    default:
      if (decimalParts(type) && NUMBER_TEXT.test(text)) return new RawNumber(text);
      return undefined;
  }
}

/** DuckDB names nested columns `"st"."a"`; split that into ['st', 'a']. */
export function splitColumnKey(key: string): string[] {
  const parts: string[] = [];
  const re = /"((?:[^"]|"")*)"|([^."]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key)) !== null) parts.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]);
  return parts;
}

/** Builds the stats JSON of one written file. */
export function buildStatsJson(
  numRecords: number,
  columns: ColumnStatistics,
  schema: StructType,
  partitionColumns: readonly string[],
  numIndexedCols = DEFAULT_INDEXED_COLUMNS,
): string {
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, unknown> = {};
  let budget = numIndexedCols < 0 ? Number.POSITIVE_INFINITY : numIndexedCols;
  const byPath = new Map<string, Map<string, string | null>>();
  for (const [key, value] of columns) byPath.set(splitColumnKey(key).join('\u0000'), value);

  const visit = (struct: StructType, prefix: string[], mins: Record<string, unknown>, maxs: Record<string, unknown>, nulls: Record<string, unknown>): void => {
    for (const field of struct.fields) {
      if (budget <= 0) return;
      if (prefix.length === 0 && partitionColumns.includes(field.name)) continue;
      const pathParts = [...prefix, field.name];
      if (isStruct(field.type)) {
        const childMin: Record<string, unknown> = {};
        const childMax: Record<string, unknown> = {};
        const childNull: Record<string, unknown> = {};
        visit(field.type, pathParts, childMin, childMax, childNull);
        if (Object.keys(childMin).length > 0) mins[field.name] = childMin;
        if (Object.keys(childMax).length > 0) maxs[field.name] = childMax;
        if (Object.keys(childNull).length > 0) nulls[field.name] = childNull;
        continue;
      }
      budget--;
      // Arrays and maps: DuckDB reports only their leaves, which say nothing about the column itself.
      if (typeof field.type !== 'string') continue;
      const stat = byPath.get(pathParts.join('\u0000'));
      if (!stat) continue;
      const nullText = stat.get('null_count');
      if (nullText !== undefined && nullText !== null && /^\d+$/.test(nullText)) nulls[field.name] = new RawNumber(nullText);
      if (field.type === 'boolean' || field.type === 'binary' || stat.get('has_nan') === 'true') continue;
      const min = stat.get('min');
      const max = stat.get('max');
      if (min !== undefined && min !== null && max !== undefined && max !== null) {
        const minValue = statValue(field.type, min, 'min');
        const maxValue = statValue(field.type, max, 'max');
        if (minValue !== undefined && maxValue !== undefined) {
          mins[field.name] = minValue;
          maxs[field.name] = maxValue;
        }
      }
    }
  };
  visit(schema, [], minValues, maxValues, nullCount);
  return toJson({ numRecords, minValues, maxValues, nullCount });
}

/** Parses an add's stats JSON; undefined when absent or unreadable (a reader must then not skip). */
export function parseStats(json: string | null | undefined): FileStats | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === 'object' && value !== null ? (value as FileStats) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns a checkpoint's `add.stats_parsed` (as DuckDB renders it with to_json: timestamps as
 * `YYYY-MM-DD HH:MM:SS.fff`) into the JSON-stats shape, so everything downstream sees one format.
 */
export function normalizeParsedStats(parsed: Record<string, unknown>, schema: StructType): FileStats {
  const convert = (struct: StructType, values: unknown): Record<string, unknown> | undefined => {
    if (values === null || typeof values !== 'object') return undefined;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      if (value === null || value === undefined) continue;
      const field = struct.fields.find((f) => f.name === name);
      if (field && isStruct(field.type)) {
        const nested = convert(field.type, value);
        if (nested) out[name] = nested;
      } else if (field && (field.type === 'timestamp' || field.type === 'timestamp_ntz') && typeof value === 'string') {
        const micros = parseTimestampMicros(value);
        if (micros !== undefined) out[name] = msIso(micros, false, field.type === 'timestamp');
      } else {
        out[name] = value;
      }
    }
    return out;
  };
  const stats: FileStats = {};
  if (typeof parsed.numRecords === 'number') stats.numRecords = parsed.numRecords;
  const minValues = convert(schema, parsed.minValues);
  const maxValues = convert(schema, parsed.maxValues);
  const nullCount = convert(schema, parsed.nullCount);
  if (minValues) stats.minValues = minValues;
  if (maxValues) stats.maxValues = maxValues;
  if (nullCount) stats.nullCount = nullCount;
  return stats;
}

/** Looks up a (possibly nested, dot-separated) column in one of the stats maps. */
export function statFor(values: Record<string, unknown> | undefined, column: string): unknown {
  if (!values) return undefined;
  if (column in values) return values[column];
  let current: unknown = values;
  for (const part of column.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
