/**
 * The one initTRPC of the API: context, error formatting, and the base procedure that times every
 * call, logs it as one JSON line and turns unknown failures into a 500 with a request id (the cause
 * is logged, never sent).
 */
import { randomUUID } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import { isDeltaError } from '../../pipeline/delta/errors';
import { z } from 'zod';
import type { GoldState } from '../lake/catalog';
import { getGoldService, internalError, type GoldService, type Trace } from '../service';
import { describeIssues } from './filters';

export interface Context {
  service: GoldService;
  /** Warm-up calls: read this state (not yet published), bypass the cache, record no metrics. */
  pinned?: GoldState;
}

/**
 * A lake without gold tables (before the first pipeline run) is a state to report, not a crash: the
 * PRECONDITION_FAILED error that says so, or the error itself when it is something else.
 */
export function noDataError(error: unknown): unknown {
  if (!isDeltaError(error, 'NOT_A_TABLE')) return error;
  return new TRPCError({ code: 'PRECONDITION_FAILED', message: 'no data yet: the lake has no gold tables; run the pipeline first (npm run clicklake -- run)', cause: error });
}

export async function createContext(): Promise<Context> {
  try {
    return { service: await getGoldService() };
  } catch (error) {
    throw noDataError(error);
  }
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof z.ZodError ? error.cause : null;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: zodError ? describeIssues(zodError) : shape.message,
      data: { ...data, zodError: zodError ? z.flattenError(zodError) : null },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(async ({ ctx, path, next }) => {
  const trace: Trace = { requestId: randomUUID(), cacheHit: false, pinned: ctx.pinned };
  const started = performance.now();
  const result = await next({ ctx: { trace } });
  if (ctx.pinned) return result;
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const error = result.ok ? undefined : result.error;
  const known = error && error.code !== 'INTERNAL_SERVER_ERROR';
  ctx.service.metrics.record(path, durationMs, { cacheHit: trace.cacheHit, error: Boolean(error) });
  ctx.service.log({
    level: error && !known ? 'error' : 'info',
    requestId: trace.requestId,
    procedure: path,
    durationMs,
    cacheHit: trace.cacheHit,
    goldVersion: trace.goldVersion ?? null,
    versions: trace.versions ?? null,
    status: error ? (known ? error.code : 'INTERNAL_SERVER_ERROR') : 'OK',
    ...(error ? { error: error.message, cause: causeText(error) } : {}),
  });
  if (error && !known) throw internalError(trace.requestId, error.cause ?? error);
  return result;
});

function causeText(error: TRPCError): string | undefined {
  const cause = error.cause;
  if (!cause || cause instanceof z.ZodError) return undefined;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
