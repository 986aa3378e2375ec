import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { NAV_ITEMS } from '../components/layout/nav-items';
import { api, expectChartsRendered, watchErrors } from './helpers';

/**
 * What every chart and table promises (issue 6, "Every chart and table"): an error state with a
 * retry, an empty state that says why, CSV export of exactly the rows shown, a data-table
 * alternative, and no layout shift while loading or refiltering.
 */

/** Sum of layout-shift scores (not caused by input) since the observer started. */
async function observeShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __cls: number };
    w.__cls = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) w.__cls += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
}
const shifts = (page: Page) => page.evaluate(() => (window as unknown as { __cls: number }).__cls);

test('a failed request shows an error state with a retry that recovers', async ({ page }) => {
  await page.goto('/funnel');
  await expectChartsRendered(page, 5);
  // Every API call fails from now on: refiltering the page has nothing to show but errors.
  await page.route('**/api/trpc/**', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"message":"lake unavailable","code":-32603,"data":{"code":"INTERNAL_SERVER_ERROR","httpStatus":500}}}' }));
  await page.getByTestId('date-preset').selectOption('last7');
  const trend = page.getByTestId('chart-funnel-trend');
  await expect(trend.getByTestId('error-state')).toBeVisible({ timeout: 30_000 });
  await expect(trend.getByTestId('error-state')).toContainText('Could not load');
  // The card keeps its height while failing (no layout jump).
  const box = await trend.getByTestId('error-state').boundingBox();
  expect(Math.round(box?.height ?? 0)).toBe(300);
  await page.unroute('**/api/trpc/**');
  await trend.getByRole('button', { name: 'Retry' }).click();
  await expect(trend.getByTestId('error-state')).toHaveCount(0);
  await expect(trend.locator('[data-chart]')).toHaveAttribute('data-chart-ready', 'true');
});

test('an empty slice says why and what to do', async ({ page, request }) => {
  const errors = watchErrors(page);
  const meta = await api<{ maxDate: string; brands: { brand: string }[] }>(request, 'meta.filters');
  // A brand with sessions but no purchase on the last day: the time-to-purchase chart is empty.
  let brand: string | undefined;
  for (const b of [...meta.brands].reverse()) {
    const f = { from: meta.maxDate, to: meta.maxDate, brands: [b.brand] };
    const [steps, ttp] = await Promise.all([api<{ sessions: number }>(request, 'funnel.steps', f), api<{ purchases: number }[]>(request, 'funnel.timeToPurchase', f)]);
    if (steps.sessions > 0 && ttp.every((r) => r.purchases === 0)) {
      brand = b.brand;
      break;
    }
  }
  expect(brand, 'a brand without purchases on the last day').toBeDefined();
  await page.goto(`/funnel?from=${meta.maxDate}&to=${meta.maxDate}&brand=${encodeURIComponent(brand!)}`);
  const empty = page.getByTestId('chart-time-to-purchase').getByTestId('empty-state');
  await expect(empty).toContainText(`No purchases for brand ${brand}`);
  await expect(empty).toContainText('widen the dates or remove a filter');
  expect(errors).toEqual([]);
});

test('CSV export holds exactly the rows shown, and the table alternative shows the same rows', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/?from=2019-10-08&to=2019-10-14');
  await expectChartsRendered(page, 3);
  const breakdown = await api<{ byCategory: { name: string; revenue: number }[] }>(request, 'executive.breakdown', { from: '2019-10-08', to: '2019-10-14', limit: 10 });
  const shown = breakdown.byCategory.filter((r) => r.revenue > 0);
  const card = page.getByTestId('chart-category-revenue');
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('revenue-by-category.csv');
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  expect(lines[0]).toBe('Category,Revenue (USD),Share of revenue,Purchases');
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(shown.map((r) => r.name));
  expect(lines.slice(1).map((l) => Number(l.split(',')[1]))).toEqual(shown.map((r) => r.revenue));

  // The accessible alternative: the same rows as a sortable, paginated table.
  await expect(card.locator('[data-chart]')).toHaveAttribute('role', 'img');
  await expect(card.locator('[data-chart]')).toHaveAttribute('aria-label', /category/);
  await card.getByRole('button', { name: 'Table' }).click();
  const table = card.getByRole('table');
  await expect(table.locator('tbody tr')).toHaveCount(Math.min(10, shown.length));
  await expect(table.locator('tbody tr').first()).toContainText(shown[0].name);
  await table.getByRole('button', { name: /^Category/ }).click();
  await expect(table.getByRole('columnheader', { name: /Category/ })).toHaveAttribute('aria-sort', 'descending');
  await card.getByRole('button', { name: 'Chart' }).click();
  await expect(card.locator('[data-chart]')).toHaveAttribute('data-chart-ready', 'true');
  expect(errors).toEqual([]);
});

test('every chart has a label and a table alternative; every page loads and refilters without layout shift', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await observeShifts(page);
  for (const item of NAV_ITEMS) {
    await page.goto(item.href);
    await expectChartsRendered(page, 1);
    for (const chart of await page.locator('[data-chart]').all()) {
      await expect(chart).toHaveAttribute('role', 'img');
      await expect(chart).toHaveAttribute('aria-label', /\w{4,}/);
    }
    const cards = page.locator('section:has([data-chart])');
    const withTable = page.locator('section:has([data-chart]):has(button:text-is("Table"))');
    expect(await withTable.count(), `${item.href}: charts with a table alternative`).toBe(await cards.count());
    expect(await shifts(page), `${item.href}: layout shift while loading`).toBeLessThan(0.1);
    if (item.href !== '/technical') {
      await page.getByTestId('date-preset').selectOption('last7');
      await expect(page).toHaveURL(/from=/);
      await expectChartsRendered(page, 1);
      expect(await shifts(page), `${item.href}: layout shift after refiltering`).toBeLessThan(0.1);
    }
  }
  expect(errors).toEqual([]);
});
