import { expect, test } from '@playwright/test';
import { NAV_ITEMS } from '../components/layout/nav-items';

test('the app shell navigates to all six pages without console errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Executive');
  const nav = page.getByRole('navigation', { name: 'Dashboard pages' });
  for (const item of NAV_ITEMS) {
    await nav.getByRole('link', { name: item.label, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${item.href === '/' ? '/$' : item.href}`));
    await expect(nav.getByRole('link', { name: item.label, exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(errors).toEqual([]);
});
