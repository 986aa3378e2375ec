/**
 * Browser benchmark for the dashboard (issue 6 "Performance"): for each page of a running production
 * server, largest contentful paint and time until every chart reports `data-chart-ready`, cold (new
 * browser context, first request to the page) and warm (again, server caches filled), plus the
 * JavaScript transferred (gzip) split into first load (script tags of the HTML) and lazily loaded.
 *
 *   npx next build && CLICKLAKE_LAKE=… npx next start -p 3100 &
 *   node --import tsx e2e/bench-browser.ts [--base http://127.0.0.1:3100] [--json]
 */
import { chromium } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { NAV_ITEMS } from '../components/layout/nav-items';

interface PageResult {
  page: string;
  run: 'cold' | 'warm';
  lcpMs: number;
  chartsMs: number;
  charts: number;
  firstLoadJsKb: number;
  totalJsKb: number;
}

const args = process.argv.slice(2);
const base = args.includes('--base') ? args[args.indexOf('--base') + 1] : 'http://127.0.0.1:3100';

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const results: PageResult[] = [];
  for (const item of NAV_ITEMS) {
    for (const run of ['cold', 'warm'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const scripts = new Map<string, number>();
      page.on('response', (response) => {
        if (!response.url().endsWith('.js')) return;
        void response.body().then(
          (body) => scripts.set(response.url(), gzipSync(body).length),
          () => undefined,
        );
      });
      const started = Date.now();
      await page.goto(base + item.href);
      await page.waitForFunction(() => {
        const charts = [...document.querySelectorAll('[data-chart]')];
        return charts.length > 0 && charts.every((c) => c.getAttribute('data-chart-ready') === 'true');
      }, null, { timeout: 60_000 });
      const chartsMs = Date.now() - started;
      const lcpMs = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              resolve(entries[entries.length - 1].startTime);
            }).observe({ type: 'largest-contentful-paint', buffered: true });
          }),
      );
      // First load = the scripts the server's HTML references (lazy chunks are added to the DOM later).
      const html = await (await page.request.get(base + item.href)).text();
      const firstLoad = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => new URL(m[1], base).href);
      const charts = await page.locator('[data-chart]').count();
      let firstLoadBytes = 0;
      for (const url of new Set(firstLoad)) firstLoadBytes += gzipSync(await (await page.request.get(url)).body(), { level: 9 }).length;
      const totalBytes = [...scripts.values()].reduce((sum, n) => sum + n, 0);
      results.push({ page: item.href, run, lcpMs: Math.round(lcpMs), chartsMs, charts, firstLoadJsKb: Math.round(firstLoadBytes / 1024), totalJsKb: Math.round(Math.max(totalBytes, firstLoadBytes) / 1024) });
      await context.close();
    }
  }
  await browser.close();
  if (args.includes('--json')) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log('page         run   LCP ms  charts ms  charts  first-load JS kB gz  all JS kB gz');
  for (const r of results) {
    console.log(`${r.page.padEnd(12)} ${r.run.padEnd(5)} ${String(r.lcpMs).padStart(6)}  ${String(r.chartsMs).padStart(9)}  ${String(r.charts).padStart(6)}  ${String(r.firstLoadJsKb).padStart(19)}  ${String(r.totalJsKb).padStart(12)}`);
  }
}

await main();
