import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

/** Collects console errors, page errors and failed requests; the test asserts the list is empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? '';
    // Navigations cancel in-flight prefetches; that is not a failure of the app.
    if (!failure.includes('ERR_ABORTED')) errors.push(`failed: ${request.url()} ${failure}`);
  });
  return errors;
}

/** Every chart on the page has finished rendering and its canvas has drawn pixels. */
export async function expectChartsRendered(page: Page, atLeast: number): Promise<void> {
  const charts = page.locator('[data-chart]');
  await expect.poll(() => charts.count()).toBeGreaterThanOrEqual(atLeast);
  // Cards whose data streams in after the HTML show a skeleton until it arrives.
  await expect.poll(() => page.locator('[data-card-state="loading"]').count()).toBe(0);
  await expect.poll(() => page.locator('[data-chart][data-chart-ready="false"]').count()).toBe(0);
  const blank = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-chart]')]
      .filter((chart) => {
        const canvas = chart.querySelector('canvas');
        if (!canvas || !canvas.width || !canvas.height) return true;
        const context = canvas.getContext('2d');
        if (!context) return true;
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4 * 7) if (pixels[i] !== 0) return false;
        return true;
      })
      .map((chart) => chart.getAttribute('aria-label')),
  );
  expect(blank, 'charts with an empty canvas').toEqual([]);
}

/** GET a procedure the way a browser would (`/api/trpc/<path>?input=<json>`), from `base` or the baseURL. */
export async function api<T>(request: APIRequestContext, path: string, input?: unknown, base = ''): Promise<T> {
  const url = input === undefined ? `${base}/api/trpc/${path}` : `${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await request.get(url);
  expect(response.status(), `${url}: ${await response.text()}`).toBe(200);
  const body = (await response.json()) as { result: { data: T } };
  return body.result.data;
}

export const SCREENSHOT_DIR = 'test-results/screenshots';

/** Desktop light, desktop dark and mobile (390×844, no horizontal overflow) screenshots of a page. */
export async function screenshotPage(page: Page, name: string, url: string, chartCount: number): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url);
  await page.getByTestId('theme-light').click();
  await expectChartsRendered(page, chartCount);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-desktop-light.png`, fullPage: true });
  await page.getByTestId('theme-dark').click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expectChartsRendered(page, chartCount);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-desktop-dark.png`, fullPage: true });
  await page.getByTestId('theme-light').click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url);
  await expectChartsRendered(page, chartCount);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'horizontal overflow at 390 px').toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-mobile.png`, fullPage: true });
}

/** Canvas coordinates of bar `index` (in series data order) of a bar chart, for a real click. */
export async function barPoint(page: Page, testId: string, fromTop = 0): Promise<{ x: number; y: number; name: string }> {
  const chart = page.getByTestId(testId).locator('[data-chart]');
  await expect(chart).toHaveAttribute('data-chart-ready', 'true');
  const point = await chart.evaluate((el, n) => {
    interface Instance {
      getOption(): { yAxis: { data: string[] }[]; series: { data: ({ value: number } | number)[] }[] };
      convertToPixel(finder: { seriesIndex: number }, value: [number, number]): [number, number];
    }
    const instance = (el as HTMLElement & { __chart?: Instance }).__chart;
    if (!instance) throw new Error('no chart instance');
    const option = instance.getOption();
    const names = option.yAxis[0].data;
    const index = names.length - 1 - n; // horizontal bars are drawn bottom-up
    const datum = option.series[0].data[index];
    const value = typeof datum === 'number' ? datum : datum.value;
    const [x, y] = instance.convertToPixel({ seriesIndex: 0 }, [value / 2, index]);
    return { x, y, name: names[index] };
  }, fromTop);
  return point;
}
