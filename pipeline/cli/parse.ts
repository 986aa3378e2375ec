/** Validators for option values: each returns the typed value or throws a UsageError naming the option. */
import { UsageError } from './errors';

export function parseInteger(option: string, raw: string | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${option} must be a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new UsageError(`--${option} must be between ${min} and ${max}, got ${raw}`);
  return value;
}

export function parseNumber(option: string, raw: string | undefined, { min = -Infinity, max = Infinity } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${option} must be a number, got '${raw}'`);
  if (value < min || value > max) throw new UsageError(`--${option} must be between ${min} and ${max}, got ${raw}`);
  return value;
}

/** A calendar date `YYYY-MM-DD` that exists (2019-02-30 is refused). Returns epoch ms at UTC midnight. */
export function parseDate(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(ms).toISOString().slice(0, 10) !== raw) {
    throw new UsageError(`--${option} must be a date YYYY-MM-DD, got '${raw}'`);
  }
  return ms;
}

/** An ISO-8601 timestamp; returns epoch ms. */
export function parseTimestamp(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(ms)) throw new UsageError(`--${option} must be an ISO-8601 timestamp, got '${raw}'`);
  return ms;
}

export function parseChoice<T extends string>(option: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`--${option} must be one of ${choices.join(', ')}, got '${raw}'`);
  return raw as T;
}
