/** Shared pieces of the `clicklake table …` commands: snapshot options, value formatting, text tables. */
import { DuckDBArrayValue, DuckDBDecimalValue, DuckDBListValue } from '@duckdb/node-api';
import type {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBValue,
} from '@duckdb/node-api';
import { parseInteger, parseTimestamp } from '../cli/parse';
import { UsageError } from '../cli/errors';
import type { DataType, SnapshotOptions } from '../delta';

export const versionOptions = {
  version: { type: 'string' },
  timestamp: { type: 'string' },
} as const;

export const versionOptionHelp = ['--version N            read the table as of version N', '--timestamp ISO        read the table as of a time (latest commit at or before it)'];

export function snapshotOptions(values: { version?: string; timestamp?: string }): SnapshotOptions {
  if (values.version !== undefined && values.timestamp !== undefined) throw new UsageError('give --version or --timestamp, not both');
  const version = parseInteger('version', values.version);
  const timestamp = parseTimestamp('timestamp', values.timestamp);
  return version !== undefined ? { version } : timestamp !== undefined ? { timestamp } : {};
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Left-aligned text table; numeric-looking columns are right-aligned. */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+( [KMG]?i?B)?$|^-$/.test(r[i])));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function integer(value: bigint | number): number | string {
  if (typeof value === 'number') return value;
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
}

function isoFromMicros(micros: bigint, zone: boolean): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const sub = Number(((micros % 1000n) + 1000n) % 1000n);
  const iso = new Date(Number(ms)).toISOString();
  const base = sub === 0 ? iso.slice(0, -1) : `${iso.slice(0, -1)}${String(sub).padStart(3, '0')}`;
  return zone ? `${base}Z` : base;
}

/**
 * A DuckDB value as the JSON DESIGN section 6 asks for: integers as numbers (strings beyond 2^53),
 * decimals as strings, dates YYYY-MM-DD, timestamps ISO-8601 UTC with Z, timestamp_ntz without a
 * zone, binary as base64, structs and maps as objects, arrays as arrays.
 */
export function jsonValue(value: DuckDBValue, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof type === 'object') {
    switch (type.type) {
      case 'struct': {
        const entries = (value as DuckDBStructValue).entries;
        return Object.fromEntries(type.fields.map((f) => [f.name, jsonValue(entries[f.name] ?? null, f.type)]));
      }
      case 'array': {
        const items = value instanceof DuckDBListValue || value instanceof DuckDBArrayValue ? value.items : [];
        return items.map((item) => jsonValue(item, type.elementType));
      }
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const entry of (value as DuckDBMapValue).entries) {
          const key = jsonValue(entry.key, type.keyType);
          out[typeof key === 'string' ? key : JSON.stringify(key)] = jsonValue(entry.value, type.valueType);
        }
        return out;
      }
    }
  }
  switch (type) {
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return integer(value as bigint | number);
    case 'float':
    case 'double': {
      const n = value as number;
      return Number.isFinite(n) ? n : String(n);
    }
    case 'boolean':
    case 'string':
      return value;
    case 'date':
      return (value as DuckDBDateValue).toString();
    case 'timestamp':
      return isoFromMicros((value as DuckDBTimestampTZValue).micros, true);
    case 'timestamp_ntz':
      return isoFromMicros((value as DuckDBTimestampValue).micros, false);
    case 'binary':
      return Buffer.from((value as DuckDBBlobValue).bytes).toString('base64');
    default:
      if (value instanceof DuckDBDecimalValue) return value.toString();
      return String(value);
  }
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes respecting back-pressure, so a slow pipe does not make us buffer the table. */
export function writeOut(out: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (out.write(text)) return undefined;
  return new Promise((resolve) => out.once('drain', () => resolve()));
}
