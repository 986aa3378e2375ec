/**
 * The Filters input (DESIGN section 7) in two steps: the zod schema checks shape (formats, bounds,
 * from ≤ to) before anything runs; `resolveFilters` then checks values against the gold state the
 * request reads (dates inside the data range, known categories and brands) and fills defaults.
 * Both fail as BAD_REQUEST carrying a ZodError, so the client gets the same flattened field errors.
 */
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { LakeMeta, ResolvedFilters } from '../queries/sql';

const MAX_VALUES = 50;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a calendar date');

const label = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const filtersShape = {
  from: isoDate.optional(),
  to: isoDate.optional(),
  categories: z.array(label).max(MAX_VALUES, `must have at most ${MAX_VALUES} values`).optional(),
  brands: z.array(label).max(MAX_VALUES, `must have at most ${MAX_VALUES} values`).optional(),
  asOf: z.number().int('must be an integer').min(0, 'must be a gold version ≥ 0').optional(),
};

const fromNotAfterTo = (value: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (value.from && value.to && value.from > value.to) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${value.from} > ${value.to})` });
  }
};

/** The Filters object itself. */
export const filtersInput = z.object(filtersShape).superRefine(fromNotAfterTo);

/** Filters extended with procedure-specific fields. */
export function withFilters<T extends z.ZodRawShape>(extra: T) {
  return z.object({ ...filtersShape, ...extra }).superRefine((value, ctx) => fromNotAfterTo(value as { from?: string; to?: string }, ctx));
}

export type FiltersInput = z.infer<typeof filtersInput>;

export function badRequest(path: string, message: string, input?: unknown): TRPCError {
  const cause = new z.ZodRealError([{ code: 'custom', path: [path], message, input }]);
  return new TRPCError({ code: 'BAD_REQUEST', message: `${path}: ${message}`, cause });
}

export function resolveFilters(input: FiltersInput, meta: LakeMeta): ResolvedFilters {
  const issues: z.core.$ZodIssue[] = [];
  const inRange = (field: 'from' | 'to', value: string | undefined) => {
    if (value !== undefined && (value < meta.minDate || value > meta.maxDate)) {
      issues.push({ code: 'custom', path: [field], message: `must be inside the data range ${meta.minDate} … ${meta.maxDate} (got ${value})`, input: value });
    }
  };
  inRange('from', input.from);
  inRange('to', input.to);
  const known = (field: 'categories' | 'brands', values: string[] | undefined, set: ReadonlySet<string>) => {
    (values ?? []).forEach((value, i) => {
      if (!set.has(value)) issues.push({ code: 'custom', path: [field, i], message: `unknown ${field === 'brands' ? 'brand' : 'category'} ${JSON.stringify(value.slice(0, 60))}`, input: value });
    });
  };
  known('categories', input.categories, meta.categorySet);
  known('brands', input.brands, meta.brandSet);
  if (issues.length) {
    const error = new z.ZodRealError(issues);
    throw new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(error), cause: error });
  }
  const from = input.from ?? (input.to && input.to < meta.minDate ? input.to : meta.minDate);
  const to = input.to ?? meta.maxDate;
  return {
    from,
    to: to < from ? from : to,
    categories: [...new Set(input.categories ?? [])].sort(),
    brands: [...new Set(input.brands ?? [])].sort(),
  };
}

/** "from: must be …; brands.2: unknown brand …" — the message names every bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
}
