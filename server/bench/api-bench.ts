/**
 * API benchmark (issue 5): per-procedure latency with the result cache disabled, for date-only
 * filters and for category + brand filters, then a load run with autocannon (loopback only) over a
 * mix of procedures and filters. `runApiBench` is meant for `npm run bench`.
 *
 * Without `baseUrl` the load run starts an HTTP server in this process over the same route handler
 * Next.js serves (`app/api/trpc/[trpc]/route.ts`); with `baseUrl` (e.g. a `next start` on
 * 127.0.0.1) it loads that server and reads its RSS from `technical.apiLatency`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { percentile } from '../metrics';
import { addDays } from '../queries/sql';
import { GoldService } from '../service';
import { appRouter } from '../trpc/routers/_app';
import { FILTERED_PAGE_CALLS, type Input } from '../trpc/page-calls';
import { callerFor } from '../trpc/server';

export interface ApiBenchOptions {
  lakeDir: string;
  /** Calls per procedure and filter kind (default 30). */
  iterations?: number;
  /** Load run length in seconds (default 30) and connections (default 50). */
  loadSeconds?: number;
  connections?: number;
  /** Load an already running server instead of starting one (must be loopback). */
  baseUrl?: string;
  /** Keep the result cache on during the load run (default false: every request does the work). */
  loadCache?: boolean;
  log?: (line: string) => void;
}

export interface ProcedureTiming {
  procedure: string;
  filter: 'date' | 'category+brand';
  calls: number;
  p50Ms: number | null;
  p95Ms: number | null;
  targetMs: number;
}

export interface LoadResult {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number | null;
  p99Ms: number | null;
  errors: number;
  non2xx: number;
  serverRssBytes: number | null;
}

export interface ApiBenchResult {
  lakeDir: string;
  dateRange: { min: string; max: string };
  procedures: ProcedureTiming[];
  load: LoadResult;
}


/** Date windows of 1, 7, 14 days and the whole range, walking through the data. */
function dateFilters(min: string, max: string, n: number): Input[] {
  const out: Input[] = [];
  for (let i = 0; i < n; i++) {
    const days = [1, 7, 14, 31][i % 4];
    let from = addDays(min, (i * 3) % 28);
    let to = addDays(from, days - 1);
    if (to > max) to = max;
    if (from > to) from = to;
    out.push(days === 31 ? {} : { from, to });
  }
  return out;
}

export async function runApiBench(options: ApiBenchOptions): Promise<ApiBenchResult> {
  const log = options.log ?? (() => undefined);
  const iterations = options.iterations ?? 30;
  const service = await GoldService.create({ lakeDir: options.lakeDir, poll: false, log: 'off', cacheEntries: 0 });
  try {
    // Steady state: the serving layouts a state builds after it is published are in place.
    await service.catalog.settled(await service.catalog.current());
    const caller = callerFor(service);
    const meta = await caller.meta.filters();
    const dates = dateFilters(meta.minDate, meta.maxDate, iterations);
    // The busiest category and one of its top brands (a realistic slice, not an empty one).
    const category = meta.categories.find((c) => c.l1 !== 'unknown')?.l1 ?? meta.categories[0].l1;
    const brand = (await caller.products.brands({ categories: [category], limit: 5 })).rows.find((b) => b.brand !== 'unknown')?.brand ?? meta.brands[0].brand;
    const sliced = dates.map((d) => ({ ...d, categories: [category], brands: [brand] }));
    const procedures: ProcedureTiming[] = [];
    for (const [procedure, call] of Object.entries(FILTERED_PAGE_CALLS)) {
      for (const [filter, inputs, targetMs] of [['date', dates, 50], ['category+brand', sliced, 150]] as const) {
        await call(caller, inputs[0]); // warm-up (first read of the files)
        const times: number[] = [];
        for (const input of inputs) {
          const t0 = performance.now();
          await call(caller, input);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        const timing = { procedure, filter, calls: times.length, p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95), targetMs };
        procedures.push(timing);
        log(`api bench: ${procedure} [${filter}] p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms`);
      }
    }
    const load = await loadRun(options, service, dates, sliced, log);
    return { lakeDir: options.lakeDir, dateRange: { min: meta.minDate, max: meta.maxDate }, procedures, load };
  } finally {
    service.close();
  }
}

async function loadRun(options: ApiBenchOptions, benchService: GoldService, dates: Input[], sliced: Input[], log: (line: string) => void): Promise<LoadResult> {
  const moduleName: string = 'autocannon';
  const { default: autocannon } = (await import(moduleName)) as { default: Autocannon };
  let server: http.Server | undefined;
  let service: GoldService | undefined;
  let url = options.baseUrl;
  if (url && !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(url)) throw new Error(`load runs stay on loopback: ${url} is not a loopback URL`);
  if (!url) {
    // Without the cache the bench's own service serves the load (one copy of the serving tables in memory).
    service = options.loadCache ? await GoldService.create({ lakeDir: options.lakeDir, poll: false, log: 'off' }) : benchService;
    await service.catalog.settled(await service.catalog.current());
    const svc = service;
    server = http.createServer((req, res) => void serveNode(req, res, svc));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const mix = ['executive.kpis', 'executive.daily', 'funnel.steps', 'products.top', 'temporal.heatmap', 'segments.newVsReturning', 'products.categoryTree', 'funnel.abandonment'];
  const requests = mix.flatMap((procedure, i) => [dates[i % dates.length], sliced[(i * 7) % sliced.length]].map((input) => ({ method: 'GET', path: `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}` })));
  const durationSeconds = options.loadSeconds ?? 30;
  const connections = options.connections ?? 50;
  log(`api bench: load run ${connections} connections × ${durationSeconds} s against ${url}`);
  try {
    // Every response time is kept: autocannon's summary has p97.5 and p99 but no p95.
    const times: number[] = [];
    const result = await new Promise<AutocannonResult>((resolve, reject) => {
      const instance = autocannon({ url, connections, duration: durationSeconds, requests }, (error, value) => (error ? reject(error) : resolve(value)));
      instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
    });
    times.sort((a, b) => a - b);
    const latency = (await (await fetch(`${url}/api/trpc/technical.apiLatency`)).json()) as { result?: { data?: { rssBytes?: number } } };
    return {
      url,
      connections,
      durationSeconds,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p95Ms: percentile(times, 0.95),
      p99Ms: percentile(times, 0.99) ?? result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      serverRssBytes: latency.result?.data?.rssBytes ?? null,
    };
  } finally {
    if (server) await new Promise((resolve) => server!.close(resolve));
    if (service && service !== benchService) service.close();
  }
}

async function serveNode(req: http.IncomingMessage, res: http.ServerResponse, service: GoldService): Promise<void> {
  const response = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method, headers: req.headers as Record<string, string> }),
    router: appRouter,
    createContext: async () => ({ service }),
  });
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** The slice of autocannon's API used here (it ships no types). */
interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (
  options: { url: string; connections: number; duration: number; requests: Array<{ method: string; path: string }> },
  done: (error: Error | null, result: AutocannonResult) => void,
) => { on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTime: number) => void): void };
