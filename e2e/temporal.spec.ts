import { expect, test } from '@playwright/test';
import { api, expectChartsRendered, screenshotPage, watchErrors } from './helpers';

test('Temporal renders the heatmap and trends; the anomaly count matches temporal.anomalies', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/temporal');
  await expectChartsRendered(page, 3);
  const anomalies = await api<{ days: number; anomalies: unknown[] }>(request, 'temporal.anomalies', { threshold: 2 });
  const card = page.getByTestId('table-anomalies');
  if (anomalies.anomalies.length) await expect(card.getByTestId('takeaway')).toContainText(`${anomalies.anomalies.length} unusual value`);
  else await expect(card.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('chart-heatmap').getByTestId('takeaway')).toContainText('UTC');
  expect(errors).toEqual([]);
});

test('Temporal screenshots', async ({ page }) => {
  const errors = watchErrors(page);
  await screenshotPage(page, 'temporal', '/temporal', 3);
  expect(errors).toEqual([]);
});
