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

test('table history: pick a table, sort and page its commits, open the dashboard as of an anchor version', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/technical');
  const card = page.getByTestId('table-history');
  const meta = await api<{ anchorTable: string }>(request, 'meta.filters');
  const tables = await api<{ name: string; history: { version: number }[] }[]>(request, 'technical.tables', { historyLimit: 10 });
  const oldest = Math.min(...(tables.find((t) => t.name === meta.anchorTable)?.history.map((h) => h.version) ?? []));
  await expect(card.getByTestId('history-table')).toHaveValue(meta.anchorTable);
  const rows = card.locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await card.getByRole('button', { name: /^Version/ }).click();
  await expect(card.getByRole('columnheader', { name: /Version/ })).toHaveAttribute('aria-sort', 'descending');
  await card.getByRole('button', { name: /^Version/ }).click();
  await expect(rows.first().locator('td').first()).toHaveText(String(oldest));
  await card.getByTestId('history-time-travel').first().click();
  await expect(page).toHaveURL(new RegExp(`/\\?asOf=${oldest}$`));
  await expect(page.getByTestId('asof-banner')).toBeVisible();
  await page.goto('/technical');
  await card.getByTestId('history-table').selectOption('silver.events');
  await expect(card.getByTestId('history-time-travel')).toHaveCount(0);
  await expect(rows.first()).toBeVisible();
  expect(errors).toEqual([]);
});
