import { expect, test } from '@playwright/test';
import { api, expectChartsRendered, screenshotPage, watchErrors } from './helpers';

interface Top {
  total: number;
  rows: { productId: number; revenue: number }[];
}

test('Products renders the treemap, brands and price bands, and the top-products table matches products.top', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/products');
  await expectChartsRendered(page, 3);
  const top = await api<Top>(request, 'products.top', { sort: 'revenue', order: 'desc', page: 1, pageSize: 100 });
  const table = page.getByTestId('table-top-products');
  await expect(table.locator('tbody tr').first()).toContainText(String(top.rows[0].productId));
  // Sort by product id ascending and paginate.
  await table.getByRole('button', { name: /^Product/ }).click();
  await table.getByRole('button', { name: /^Product/ }).click();
  const smallest = Math.min(...top.rows.map((r) => r.productId));
  await expect(table.locator('tbody tr').first()).toContainText(String(smallest));
  await table.getByRole('button', { name: 'Next' }).click();
  await expect(table).toContainText('11–20 of 100');
  expect(errors).toEqual([]);
});

test('Products screenshots', async ({ page }) => {
  const errors = watchErrors(page);
  await screenshotPage(page, 'products', '/products', 3);
  expect(errors).toEqual([]);
});
