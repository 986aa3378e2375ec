/**
 * The gold API service: one per process (kept on globalThis so dev hot reload does not open a second
 * DuckDB). It resolves the gold state a request reads (latest, or `asOf`), validates the filters
 * against it, and answers from the result cache keyed by (procedure, normalised input, versions).
 */
import { TRPCError } from '@trpc/server';
import { ResultCache } from './cache';
import { loadServerEnv, type ServerEnv } from './env';
import { AsOfError, GoldCatalog, type GoldState } from './lake/catalog';
import { Database } from './lake/database';
import { LatencyMetrics } from './metrics';
import { loadMeta } from './queries/meta';
import type { LakeMeta, QueryScope } from './queries/sql';
import { badRequest, resolveFilters, type FiltersInput } from './trpc/filters';
import { FILTERED_PAGE_CALLS, FRAME_CALLS } from './trpc/page-calls';

/** What one procedure call records for the request log and the latency metrics. */
export interface Trace {
  requestId: string;
  cacheHit: boolean;
  goldVersion?: number;
  versions?: string;
  /** A warm-up call: reads this state and bypasses the cache (see GoldService.warm). */
  pinned?: GoldState;
}

export type ServiceOptions = Partial<ServerEnv> & { lakeDir: string; poll?: boolean };

/** Longest a warm-up may hold back a new gold state (it stops between calls). */
const WARM_BUDGET_MS = 15_000;

export class GoldService {
  private readonly metas = new Map<string, Promise<LakeMeta>>();

  private constructor(
    readonly env: ServerEnv,
    readonly db: Database,
    readonly catalog: GoldCatalog,
    readonly cache: ResultCache,
    readonly metrics: LatencyMetrics,
  ) {}

  static async create(options: ServiceOptions): Promise<GoldService> {
    const env: ServerEnv = { ...loadServerEnv({ ...process.env, CLICKLAKE_LAKE: options.lakeDir }), ...stripUndefined(options) };
    const db = await Database.open({ memoryLimit: env.memoryLimit, threads: env.threads, connections: env.connections });
    const catalog = new GoldCatalog(db, env.lakeDir, { materializeRows: env.materializeRows });
    const service = new GoldService(env, db, catalog, new ResultCache(env.cacheEntries), new LatencyMetrics());
    catalog.onSwap = (state) => service.log({ level: 'info', msg: 'gold state swapped', goldVersion: state.goldVersion, versions: state.key });
    if (env.warm) catalog.prepare = (state) => service.warm(state);
    await catalog.current();
    if (options.poll !== false) catalog.startPolling(env.pollMs);
    return service;
  }

  async state(asOf: number | undefined): Promise<GoldState> {
    if (asOf === undefined) return this.catalog.current();
    try {
      return await this.catalog.atVersion(asOf);
    } catch (error) {
      if (error instanceof AsOfError) throw badRequest('asOf', error.message, asOf);
      throw error;
    }
  }

  meta(state: GoldState): Promise<LakeMeta> {
    let meta = this.metas.get(state.key);
    if (!meta) {
      meta = loadMeta(this.db, state);
      this.metas.set(state.key, meta);
      meta.catch(() => this.metas.delete(state.key));
      if (this.metas.size > 32) this.metas.delete(this.metas.keys().next().value!);
    }
    return meta;
  }

  /** Runs a filtered gold query through validation and the cache. */
  async serve<I extends FiltersInput, R>(trace: Trace, procedure: string, input: I, run: (scope: QueryScope<I>) => Promise<R>): Promise<R> {
    if (trace.pinned) {
      const state = trace.pinned;
      const meta = await this.meta(state);
      return run({ db: this.db, state, meta, filters: resolveFilters(input, meta), input });
    }
    const state = await this.state(input.asOf);
    this.catalog.hold(state);
    try {
      const meta = await this.meta(state);
      const filters = resolveFilters(input, meta);
      trace.goldVersion = state.goldVersion;
      trace.versions = state.key;
      const key = `${procedure}|${stableJson({ ...input, ...filters, asOf: null })}|${state.key}`;
      const { value, hit } = await this.cache.getOrCompute(key, () => run({ db: this.db, state, meta, filters, input }));
      trace.cacheHit = hit;
      return value;
    } finally {
      this.catalog.release(state);
    }
  }

  /** A query that reads a gold state but takes no filters (technical page). */
  async serveState<R>(trace: Trace, procedure: string, asOf: number | undefined, run: (state: GoldState) => Promise<R>): Promise<R> {
    if (trace.pinned) return run(trace.pinned);
    const state = await this.state(asOf);
    this.catalog.hold(state);
    try {
      trace.goldVersion = state.goldVersion;
      trace.versions = state.key;
      const { value, hit } = await this.cache.getOrCompute(`${procedure}|${state.key}`, () => run(state));
      trace.cacheHit = hit;
      return value;
    } finally {
      this.catalog.release(state);
    }
  }

  /**
   * Runs what the pages read for the default view (the whole range) once over a state before it is
   * published, results discarded: the first visitor after a start or a pipeline commit then meets a
   * warm engine (code paths compiled, memory touched, the state's meta loaded) instead of paying
   * for it (on a full-month state the first meta.filters took 124 ms and meta.provenance 0.5 s).
   * Nothing is cached, so a first request still does its work. Failures are logged (the first
   * cause with them) and do not block publishing.
   */
  async warm(state: GoldState): Promise<void> {
    const started = performance.now();
    // Imported here: the routers import this module (a static import would be a cycle).
    const { createCaller } = await import('./trpc/routers/_app');
    const caller = createCaller({ service: this, pinned: state });
    // Every call with no filters: the default view (frame calls take none).
    const calls = [...FRAME_CALLS, ...Object.values(FILTERED_PAGE_CALLS)];
    let failed = 0;
    let done = 0;
    let cause: string | undefined;
    // Bounded: a slow machine publishes the new state after WARM_BUDGET_MS rather than keep serving the old one.
    for (const call of calls) {
      if (performance.now() - started > WARM_BUDGET_MS) break;
      await call(caller, {}).catch((error: unknown) => {
        failed++;
        cause ??= error instanceof Error ? error.message : String(error);
      });
      done++;
    }
    const durationMs = Math.round(performance.now() - started);
    this.log({ level: failed ? 'warn' : 'info', msg: 'gold state warmed', goldVersion: state.goldVersion, durationMs, calls: done, skipped: calls.length - done, failed, ...(cause ? { cause } : {}) });
  }

  log(fields: Record<string, unknown>): void {
    if (this.env.log === 'json') console.log(JSON.stringify({ ts: new Date().toISOString(), ...fields }));
  }

  close(): void {
    this.catalog.stopPolling();
    this.db.close();
  }
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const globalForService = globalThis as unknown as { clicklakeGoldService?: Promise<GoldService> };

/** The process-wide service over CLICKLAKE_LAKE (created on first use). */
export function getGoldService(): Promise<GoldService> {
  if (!globalForService.clicklakeGoldService) {
    const env = loadServerEnv();
    const pending = GoldService.create({ lakeDir: env.lakeDir });
    pending.catch(() => {
      if (globalForService.clicklakeGoldService === pending) globalForService.clicklakeGoldService = undefined;
    });
    globalForService.clicklakeGoldService = pending;
  }
  return globalForService.clicklakeGoldService;
}

export function internalError(requestId: string, cause: unknown): TRPCError {
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `internal error (request ${requestId})`, cause });
}
