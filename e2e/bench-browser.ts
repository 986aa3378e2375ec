/**
 * Browser benchmark for the dashboard (issue 6 "Performance"), the `browser` section of
 * `npm run bench`: builds the production app if the build is missing or older than the sources,
 * starts `next start` on 127.0.0.1 over a lake, and measures in Debian's Chromium, per page:
 *
 * - LCP (largest contentful paint); `chartsMs`, the time until every chart is on screen (its
 *   server-drawn frame painted, or its canvas drawn); `interactiveMs`, the time until no card waits for
 *   data and every chart reports `data-chart-ready` (ECharts' canvas finished its first render), all
 *   from navigation start; and the cumulative layout shift;
 *   cold = a new browser profile and the first request for the page's data (server result cache empty
 *   for the page's own procedures; the route's server code is loaded beforehand), warm = the median
 *   of three more visits in the same profile;
 * - first-load JavaScript: the scripts the page's HTML runs, gzip -9 (ECharts, preloaded by the HTML
 *   but run only when the charts mount, is reported apart as lazy JavaScript).
 *
 * Standalone: `node --import tsx e2e/bench-browser.ts --lake DIR [--json] [--no-build]`
 * or against a running server: `… --base http://127.0.0.1:3100`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from '@playwright/test';
import { NAV_ITEMS } from '../components/layout/nav-items';

export const TARGETS = { lcpMs: 1000, chartsMs: 1500, firstLoadJsKb: 250 } as const;

export interface BrowserRun {
  /** Time to the first byte of the HTML (server render, including the prefetched queries). */
  ttfbMs: number;
  lcpMs: number | null;
  /** Every chart on screen: its server-drawn frame painted or its canvas drawn. */
  chartsMs: number;
  /** Every chart's canvas drawn (tooltips and clicks work). */
  interactiveMs: number;
  cls: number;
}

export interface BrowserPageResult {
  page: string;
  charts: number;
  cold: BrowserRun;
  warm: BrowserRun;
  firstLoadJsKb: number;
  lazyJsKb: number;
}

export interface BrowserBenchResult {
  baseUrl: string;
  lakeDir: string | null;
  /** 1-minute load average and cores when the measurement started: the figures depend on both. */
  machine: { cpus: number; loadAverage: number };
  pages: BrowserPageResult[];
}

export interface BrowserBenchOptions {
  /** Lake the server reads (ignored with baseUrl). */
  lakeDir?: string;
  /** Measure an already running server instead of starting one. */
  baseUrl?: string;
  /** false: never build (fail if there is no build); default builds when missing or stale. */
  build?: boolean;
  warmRuns?: number;
  log?: (line: string) => void;
}

const REPO = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (/\.(tsx?|css|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The build is stale when a source the app bundles changed after it. */
function buildIsCurrent(): boolean {
  const id = path.join(REPO, '.next/BUILD_ID');
  if (!existsSync(id)) return false;
  const built = statSync(id).mtimeMs;
  return ['app', 'components', 'server'].every((dir) => newestMtime(path.join(REPO, dir)) <= built) && statSync(path.join(REPO, 'next.config.mjs')).mtimeMs <= built;
}

function buildApp(log: (line: string) => void): void {
  log('browser bench: next build');
  const result = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { cwd: REPO, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}): ${result.stderr.toString().slice(-2000)}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(lakeDir: string, log: (line: string) => void): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: REPO,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CLICKLAKE_LAKE: path.resolve(lakeDir), CLICKLAKE_API_LOG: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${baseUrl}/api/trpc/meta.freshness`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`next start did not answer on ${baseUrl} within 120 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log(`browser bench: next start on ${baseUrl} over ${lakeDir}`);
  return { baseUrl, child };
}

/**
 * Records, in the page, when each chart turned ready and when it was first on screen, the LCP entries
 * and layout shifts. A string, not a function: the page must not see the bundler's helpers.
 */
const OBSERVERS = `(() => {
  const b = (window.__bench = { ready: [], visible: new Map(), lcp: null, cls: 0, pending: false });
  // A chart is on screen at the frame after its server-drawn SVG or its ready canvas is in the DOM.
  new MutationObserver((mutations) => {
    for (const m of mutations) if (m.type === 'attributes' && m.target.getAttribute('data-chart-ready') === 'true') b.ready.push(performance.now());
    if (b.pending) return;
    b.pending = true;
    requestAnimationFrame(() => {
      b.pending = false;
      const t = performance.now();
      for (const c of document.querySelectorAll('[data-chart]')) {
        if (!b.visible.has(c) && (c.getAttribute('data-chart-ready') === 'true' || c.querySelector('[data-chart-frame] svg'))) b.visible.set(c, t);
      }
    });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-chart-ready'] });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) b.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) b.cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
})();`;

async function visit(page: Page, url: string): Promise<BrowserRun & { charts: number }> {
  // Slow answers stream after the HTML, holding the document open: wait for the charts, not `load`.
  await page.goto(url, { waitUntil: 'commit' });
  // Settled: no card still waiting for its data, and every chart drawn.
  await page.waitForFunction(
    () => {
      const charts = [...document.querySelectorAll('[data-chart]')];
      const loading = document.querySelectorAll('[data-card-state="loading"]').length;
      return loading === 0 && charts.length > 0 && charts.every((c) => c.getAttribute('data-chart-ready') === 'true');
    },
    null,
    { timeout: 120_000, polling: 50 },
  );
  // Let the last frame paint so LCP has its final entry.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const bench = await page.evaluate(() => {
    const b = (window as unknown as { __bench: { ready: number[]; visible: Map<Element, number>; lcp: number | null; cls: number } }).__bench;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const charts = [...document.querySelectorAll('[data-chart]')];
    return { ready: b.ready, visible: charts.map((c) => b.visible.get(c) ?? null), lcp: b.lcp, cls: b.cls, ttfb: nav.responseStart, charts: charts.length };
  });
  const interactive = Math.max(...bench.ready);
  // A chart missed by the observer (it never was without its canvas) counts as visible when ready.
  const visible = Math.max(...bench.visible.map((t) => t ?? interactive));
  return {
    ttfbMs: Math.round(bench.ttfb),
    lcpMs: bench.lcp === null ? null : Math.round(bench.lcp),
    chartsMs: Math.round(Math.min(visible, interactive)),
    interactiveMs: Math.round(interactive),
    cls: Math.round(bench.cls * 1000) / 1000,
    charts: bench.charts,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function scriptKb(baseUrl: string, urls: string[]): Promise<number> {
  let bytes = 0;
  for (const url of new Set(urls)) bytes += gzipSync(Buffer.from(await (await fetch(new URL(url, baseUrl))).arrayBuffer()), { level: 9 }).length;
  return Math.round(bytes / 1024);
}

async function measurePage(browser: Browser, baseUrl: string, href: string, warmRuns: number): Promise<BrowserPageResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await context.addInitScript(OBSERVERS);
    const page = await context.newPage();
    const loaded = new Set<string>();
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) loaded.add(response.url());
    });
    const cold = await visit(page, baseUrl + href);
    const warm: BrowserRun[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await visit(page, baseUrl + href));
    // First load = the scripts the server's HTML runs (preloaded lazy chunks are not among them).
    const html = await (await fetch(baseUrl + href)).text();
    // `noModule` scripts (legacy polyfills) are skipped by every browser that runs the app.
    const firstLoad = [...html.matchAll(/<script([^>]+)>/g)].flatMap(([, attrs]) => {
      const src = /\bsrc="([^"]+\.js)"/.exec(attrs)?.[1];
      return src && !/\bnoModule\b/i.test(attrs) ? [new URL(src, baseUrl).href] : [];
    });
    const lazy = [...loaded].filter((url) => !firstLoad.includes(url));
    return {
      page: href,
      charts: cold.charts,
      cold: { ttfbMs: cold.ttfbMs, lcpMs: cold.lcpMs, chartsMs: cold.chartsMs, interactiveMs: cold.interactiveMs, cls: cold.cls },
      warm: {
        ttfbMs: median(warm.map((w) => w.ttfbMs)),
        lcpMs: median(warm.map((w) => w.lcpMs ?? 0)),
        chartsMs: median(warm.map((w) => w.chartsMs)),
        interactiveMs: median(warm.map((w) => w.interactiveMs)),
        cls: median(warm.map((w) => w.cls)),
      },
      firstLoadJsKb: await scriptKb(baseUrl, firstLoad),
      lazyJsKb: await scriptKb(baseUrl, lazy),
    };
  } finally {
    await context.close();
  }
}

export async function runBrowserBench(options: BrowserBenchOptions): Promise<BrowserBenchResult> {
  const log = options.log ?? (() => undefined);
  let server: { baseUrl: string; child: ChildProcess } | undefined;
  if (!options.baseUrl) {
    if (!options.lakeDir) throw new Error('browser bench: a lake directory (or a running server) is required');
    if (!existsSync(path.join(options.lakeDir, 'gold'))) throw new Error(`browser bench: ${options.lakeDir} has no gold layer — run the pipeline first`);
    if (options.build === false ? !existsSync(path.join(REPO, '.next/BUILD_ID')) : !buildIsCurrent()) {
      if (options.build === false) throw new Error('browser bench: no production build (.next) and --no-build given');
      buildApp(log);
    }
    server = await startServer(options.lakeDir, log);
  }
  const baseUrl = options.baseUrl ?? server!.baseUrl;
  // Render each route once for the last day of data only, so cold measures a running server and an
  // empty browser, not the first require() of the route's server and client-component code after
  // start-up (a bad link, used before, renders none of the cards). The measured default view (the
  // whole period) is a different input: its answers are not in the result cache.
  const filters = (await (await fetch(`${baseUrl}/api/trpc/meta.filters`)).json()) as { result: { data: { maxDate: string } } };
  const lastDay = filters.result.data.maxDate;
  for (const item of NAV_ITEMS) await (await fetch(`${baseUrl}${item.href}?from=${lastDay}&to=${lastDay}`)).text();
  // Steady state: the server's background serving work (the product range layout) is done.
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
    const latency = (await (await fetch(`${baseUrl}/api/trpc/technical.apiLatency`)).json()) as { result?: { data?: { servingSettled?: boolean } } };
    if (latency.result?.data?.servingSettled !== false) break;
  }
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const machine = { cpus: os.cpus().length, loadAverage: Math.round(os.loadavg()[0] * 100) / 100 };
    const pages: BrowserPageResult[] = [];
    for (const item of NAV_ITEMS) {
      const result = await measurePage(browser, baseUrl, item.href, options.warmRuns ?? 3);
      log(`browser bench: ${item.href} cold LCP ${result.cold.lcpMs} ms, charts ${result.cold.chartsMs} ms (interactive ${result.cold.interactiveMs} ms); warm LCP ${result.warm.lcpMs} ms, charts ${result.warm.chartsMs} ms (interactive ${result.warm.interactiveMs} ms)`);
      pages.push(result);
    }
    return { baseUrl, lakeDir: options.lakeDir ?? null, machine, pages };
  } finally {
    await browser.close();
    server?.child.kill();
  }
}

export function formatBrowserBench(result: BrowserBenchResult): string[] {
  const flag = (ms: number | null, target: number) => (ms === null ? '      –' : `${String(ms).padStart(6)}${ms > target ? '*' : ' '}`);
  const lines = [
    `Browser — production build on ${result.baseUrl}${result.lakeDir ? ` over ${result.lakeDir}` : ''}; ${result.machine.cpus} cores, load average ${result.machine.loadAverage}`,
    `  targets: LCP ≤ ${TARGETS.lcpMs} ms, all charts on screen ≤ ${TARGETS.chartsMs} ms, first-load JS ≤ ${TARGETS.firstLoadJsKb} kB gz (* = over); inter. = every canvas drawn`,
    `  ${'page'.padEnd(11)} ${'charts'.padStart(6)}   ${'cold TTFB'.padStart(9)} ${'LCP'.padStart(7)} ${'charts'.padStart(7)} ${'inter.'.padStart(7)}   ${'warm TTFB'.padStart(9)} ${'LCP'.padStart(7)} ${'charts'.padStart(7)} ${'inter.'.padStart(7)}   ${'CLS'.padStart(5)}   ${'first-load JS'.padStart(13)} ${'lazy JS'.padStart(8)}`,
  ];
  for (const p of result.pages) {
    lines.push(
      `  ${p.page.padEnd(11)} ${String(p.charts).padStart(6)}   ${String(p.cold.ttfbMs).padStart(9)} ${flag(p.cold.lcpMs, TARGETS.lcpMs)} ${flag(p.cold.chartsMs, TARGETS.chartsMs)} ${String(p.cold.interactiveMs).padStart(7)}   ${String(p.warm.ttfbMs).padStart(9)} ${flag(p.warm.lcpMs, TARGETS.lcpMs)} ${flag(p.warm.chartsMs, TARGETS.chartsMs)} ${String(p.warm.interactiveMs).padStart(7)}   ${p.cold.cls.toFixed(3).padStart(5)}   ${`${p.firstLoadJsKb} kB`.padStart(12)}${p.firstLoadJsKb > TARGETS.firstLoadJsKb ? '*' : ' '} ${`${p.lazyJsKb} kB`.padStart(8)}`,
    );
  }
  return lines;
}

/** Named measures for gold.benchmarks (`browser./funnel.cold.lcpMs`). */
export function browserMeasures(result: BrowserBenchResult): object {
  return {
    loadAverage: result.machine.loadAverage,
    ...Object.fromEntries(result.pages.map((p) => [p.page, { cold: p.cold, warm: p.warm, firstLoadJsKb: p.firstLoadJsKb, lazyJsKb: p.lazyJsKb }])),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const result = await runBrowserBench({ lakeDir: value('--lake') ?? process.env.CLICKLAKE_LAKE, baseUrl: value('--base'), build: !args.includes('--no-build'), log: (line) => console.error(line) });
  console.log(args.includes('--json') ? JSON.stringify(result, null, 2) : formatBrowserBench(result).join('\n'));
}
