import { expect, test } from '@playwright/test';
import { api, expectChartsRendered, screenshotPage, watchErrors } from './helpers';

interface TableInfo {
  name: string;
  version: number;
}

test('Technical lists every Delta table with its version, runs and quality', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/technical');
  await expectChartsRendered(page, 2);
  const tables = await api<TableInfo[]>(request, 'technical.tables', { historyLimit: 10 });
  const table = page.getByTestId('table-delta-tables');
  for (const t of tables) await expect(table.locator('tr', { hasText: t.name }).first()).toContainText(String(t.version));
  await expect(page.getByTestId('table-api-latency')).toContainText('executive');
  expect(errors).toEqual([]);
});

test('time travel: a past gold version opens the dashboard with a banner and that version’s numbers', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/technical');
  const links = page.getByTestId('time-travel-link');
  await expect(links.first()).toBeVisible();
  const versions = (await links.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-version'))))).sort((a, b) => a - b);
  const oldest = versions[0];
  await page.locator(`[data-testid="time-travel-link"][data-version="${oldest}"]`).click();
  await expect(page).toHaveURL(new RegExp(`asOf=${oldest}`));
  await expect(page.getByTestId('asof-banner')).toBeVisible();
  await expect(page.getByTestId('asof-version')).toHaveText(String(oldest));
  const past = await api<{ current: { revenue: number } }>(request, 'executive.kpis', { asOf: oldest });
  const latest = await api<{ current: { revenue: number } }>(request, 'executive.kpis', {});
  await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(past.current.revenue));
  expect(past.current.revenue).not.toBe(latest.current.revenue);
  await expectChartsRendered(page, 3);
  await page.getByRole('button', { name: 'Back to latest' }).click();
  await expect(page.getByTestId('asof-banner')).toHaveCount(0);
  await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(latest.current.revenue));
  expect(errors).toEqual([]);
});

test('Technical screenshots', async ({ page }) => {
  const errors = watchErrors(page);
  await screenshotPage(page, 'technical', '/technical', 2);
  expect(errors).toEqual([]);
});
