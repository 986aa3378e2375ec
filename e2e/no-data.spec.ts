/**
 * A fresh checkout before the first pipeline run: pages explain what to do and the API answers a
 * 412 that says so, instead of an error page and a 500 (served by the second web server of
 * playwright.config.ts, over a lake directory that does not exist).
 */
import { expect, test } from '@playwright/test';
import { NO_DATA_PORT } from './lake-location';

const BASE = `http://127.0.0.1:${NO_DATA_PORT}`;

test('without a lake, every page says there is no data yet and how to load it', async ({ page }) => {
  for (const path of ['/', '/funnel', '/technical']) {
    const response = await page.goto(BASE + path);
    expect(response?.status()).toBe(200);
    const notice = page.getByTestId('no-data');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('no data yet');
    await expect(notice).toContainText('npm run clicklake -- run');
  }
});

test('without a lake, the API answers 412 with a message, not a 500', async ({ request }) => {
  const response = await request.get(`${BASE}/api/trpc/executive.kpis?input=${encodeURIComponent('{}')}`);
  expect(response.status()).toBe(412);
  const body = (await response.json()) as { error: { message: string; data: { code: string } } };
  expect(body.error.data.code).toBe('PRECONDITION_FAILED');
  expect(body.error.message).toContain('run the pipeline first');
  expect(body.error.message).not.toContain('.tmp');
});
