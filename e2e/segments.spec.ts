import { expect, test } from '@playwright/test';
import { api, expectChartsRendered, screenshotPage, watchErrors } from './helpers';

test('Segments renders every chart; the buyer share matches segments.behaviour', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/segments');
  await expectChartsRendered(page, 6);
  const behaviour = await api<{ segments: { segment: string; share: number | null }[] }>(request, 'segments.behaviour', {});
  const buyer = behaviour.segments.find((s) => s.segment === 'buyer');
  await expect(page.getByTestId('chart-behaviour').getByTestId('takeaway')).toContainText(`${((buyer?.share ?? 0) * 100).toFixed(1)}% of users bought something`);
  expect(errors).toEqual([]);
});

test('Segments screenshots', async ({ page }) => {
  const errors = watchErrors(page);
  await screenshotPage(page, 'segments', '/segments', 6);
  expect(errors).toEqual([]);
});
