import { expect, test } from '@playwright/test';
import { api, barPoint, expectChartsRendered, screenshotPage, watchErrors } from './helpers';

interface Steps {
  sessions: number;
  steps: { step: string; sessions: number; stepConversion: number | null }[];
}

const pct = (v: number | null) => `${((v ?? 0) * 100).toFixed(1)}%`;

test('Funnel renders every chart with step conversion equal to funnel.steps', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/funnel');
  await expectChartsRendered(page, 5);
  const steps = await api<Steps>(request, 'funnel.steps', {});
  const cart = steps.steps.find((s) => s.step === 'cart');
  const purchase = steps.steps.find((s) => s.step === 'purchase');
  await expect(page.getByTestId('chart-funnel').getByTestId('takeaway')).toContainText(`${pct(cart?.stepConversion ?? null)} of viewing sessions add to cart; ${pct(purchase?.stepConversion ?? null)} of those buy`);
  // The accessible alternative: the table shows the same sessions.
  await page.getByTestId('chart-funnel').getByRole('button', { name: 'Table' }).click();
  await expect(page.getByTestId('chart-funnel').getByRole('table')).toContainText(steps.steps[0].sessions.toLocaleString('en-US'));
  expect(errors).toEqual([]);
});

test('clicking a category bar on the funnel adds a category chip and changes the funnel', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/funnel');
  await expectChartsRendered(page, 5);
  const bar = await barPoint(page, 'chart-funnel-category', 0);
  await page.getByTestId('chart-funnel-category').locator('canvas').first().click({ position: { x: bar.x, y: bar.y } });
  await expect(page.getByTestId('filter-chip')).toContainText(bar.name);
  await expect(page).toHaveURL(new RegExp(`category=${encodeURIComponent(bar.name)}`));
  const steps = await api<Steps>(request, 'funnel.steps', { categories: [bar.name] });
  const cart = steps.steps.find((s) => s.step === 'cart');
  await expect(page.getByTestId('chart-funnel').getByTestId('takeaway')).toContainText(`${pct(cart?.stepConversion ?? null)} of viewing sessions add to cart`);
  expect(errors).toEqual([]);
});

test('Funnel screenshots', async ({ page }) => {
  const errors = watchErrors(page);
  await screenshotPage(page, 'funnel', '/funnel', 5);
  expect(errors).toEqual([]);
});
