import { expect, test, type APIRequestContext } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPipeline } from '../pipeline/run';
import { NAV_ITEMS } from '../components/layout/nav-items';
import { api, expectChartsRendered, watchErrors } from './helpers';
import { E2E_LAKE_DIR, LIVE_PORT } from './lake-location';

/**
 * Live refresh: a page stays open while the pipeline commits a new gold version; the page picks it
 * up without a reload. The run loads the morning of a new day, so the page must also mark the range
 * incomplete and annotate the new run. Runs on a copy of the e2e lake behind its own server, so the
 * other specs keep their lake. That server sends pages without waiting for their queries (prefetch
 * budget 1 ms): the second test checks the path where answers arrive after hydration.
 */
const PORT = LIVE_PORT;
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = path.resolve('.tmp/e2e-live');
const LAKE = path.join(ROOT, 'lake');
const LANDING = path.join(ROOT, 'landing');
const NEW_DAY = '2019-11-01';

let server: ChildProcess | undefined;

/** Twelve hours of purchases of one product: a day that is only partly loaded. */
function morningCsv(): string {
  const lines = ['event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session'];
  for (let i = 0; i < 120; i++) {
    const hour = String(Math.floor(i / 10)).padStart(2, '0');
    const time = `${NEW_DAY} ${hour}:${String((i % 10) * 5).padStart(2, '0')}:00 UTC`;
    const session = `live-${i}`;
    lines.push(`${time},view,90000001,2053013555631882655,electronics.smartphone,apple,500.00,${700000 + i},${session}`);
    lines.push(`${time},purchase,90000001,2053013555631882655,electronics.smartphone,apple,500.00,${700000 + i},${session}`);
  }
  lines.push(`${NEW_DAY} 11:00:00 UTC,view,90000001,,,,not-a-price,700999,live-bad`);
  return `${lines.join('\n')}\n`;
}

async function waitForServer(request: APIRequestContext): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await request.get(`${BASE}/api/trpc/meta.freshness`)).ok()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the live-refresh server on ${BASE} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

test.beforeAll(async ({ request }) => {
  test.setTimeout(180_000);
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(LANDING, { recursive: true });
  cpSync(E2E_LAKE_DIR, LAKE, { recursive: true });
  // The pseudonym key sits beside the lake; the new run must hash users with the same one.
  cpSync(path.join(path.dirname(path.resolve(E2E_LAKE_DIR)), 'pseudonym.key'), path.join(ROOT, 'pseudonym.key'));
  server = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(PORT), '-H', '127.0.0.1'], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CLICKLAKE_LAKE: LAKE, CLICKLAKE_API_LOG: 'off', CLICKLAKE_API_POLL_MS: '500', CLICKLAKE_PREFETCH_BUDGET_MS: '1' },
    stdio: 'ignore',
  });
  await waitForServer(request);
});

test.afterAll(() => {
  server?.kill();
  rmSync(ROOT, { recursive: true, force: true });
});

test('a new gold version refreshes the open page without a reload: numbers, run markers, incomplete day', async ({ page, request }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await page.goto(`${BASE}/`);
  await expectChartsRendered(page, 3);
  const provenance = page.getByTestId('provenance');
  const before = Number(await provenance.getAttribute('data-gold-version'));
  const kpisBefore = await api<{ current: { revenue: number } }>(request, 'executive.kpis', {}, BASE);
  await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(kpisBefore.current.revenue));
  await expect(page.getByTestId('incomplete-flag')).toHaveCount(0);
  // A marker that survives only as long as the document does: a reload would drop it.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  writeFileSync(path.join(LANDING, `${NEW_DAY}-morning.csv`), morningCsv());
  await runPipeline({ landingDir: LANDING, lakeDir: LAKE });

  // The server sees the new version within its poll; the page within its freshness poll (15 s).
  await expect.poll(async () => (await api<{ goldVersion: number }>(request, 'meta.freshness', undefined, BASE)).goldVersion, { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(provenance).not.toHaveAttribute('data-gold-version', String(before), { timeout: 60_000 });
  const kpisAfter = await api<{ current: { revenue: number }; range: { to: string } }>(request, 'executive.kpis', {}, BASE);
  expect(kpisAfter.range.to).toBe(NEW_DAY);
  expect(kpisAfter.current.revenue).toBeGreaterThan(kpisBefore.current.revenue);
  await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(kpisAfter.current.revenue), { timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The morning-only day is marked: on the KPIs, in the provenance line and shaded on the trend.
  await expect(page.getByTestId('incomplete-flag')).toContainText(NEW_DAY);
  await expect(provenance).toContainText('last day incomplete');
  const trend = page.getByTestId('chart-daily-revenue').locator('[data-chart]');
  const marks = () =>
    trend.evaluate((el) => {
      const chart = (el as HTMLElement & { __chart?: { getOption(): { series: { markLine?: { data?: { xAxis: string }[] }; markArea?: { data?: { xAxis: string }[][] } }[] } } }).__chart;
      const first = chart?.getOption().series[0];
      return { runs: first?.markLine?.data?.map((d) => d.xAxis) ?? [], incomplete: first?.markArea?.data?.map((d) => d[0].xAxis) ?? [] };
    });
  await expect.poll(marks, { timeout: 30_000 }).toEqual({ runs: expect.arrayContaining([NEW_DAY]) as unknown as string[], incomplete: [NEW_DAY] });
  expect((await marks()).runs.length).toBeGreaterThanOrEqual(3);
  expect(errors).toEqual([]);
});

test('answers slower than the prefetch budget stream in the same response: skeletons first, then the cards with data and drawn charts, no request from the browser, no hydration mismatch', async ({ page, request }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/trpc/')) fetched.push(r.url());
  });
  for (const [i, item] of NAV_ITEMS.entries()) {
    // Ranges no other test asked for: nothing is in the server's result cache yet (a 1 ms budget).
    const html = await (await request.get(`${BASE}${item.href}?from=2019-10-0${2 + i}&to=2019-10-2${i}`)).text();
    expect(html, `${item.href}: cards waiting in the first part`).toContain('data-card-state="loading"');
    expect(html, `${item.href}: the same cards with their answers later in the response`).toContain('data-card-state="ready"');
    expect(html, `${item.href}: their charts drawn on the server`).toContain('data-chart-frame="true"');
    await page.goto(`${BASE}${item.href}?from=2019-10-03&to=2019-10-09`);
    await expectChartsRendered(page, 1);
    await expect(page.locator('[data-card-state="loading"]')).toHaveCount(0);
  }
  // The page chrome's freshness poll (meta.*) may ask on its own; the views' answers never.
  expect(
    fetched.filter((url) => !url.includes('/api/trpc/meta.')),
    'requests made by the browser for answers the response carried',
  ).toEqual([]);
  expect(errors).toEqual([]);
});
