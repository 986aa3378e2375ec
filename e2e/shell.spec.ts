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

test('keyboard: a skip link first, then every control shows a visible focus ring', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  const outline = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return { tag: el.tagName, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1 };
    });
  // Nav links, theme buttons, filter controls: each one reached by Tab has a visible outline.
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    const focused = await outline();
    expect(focused, `focus stop ${i + 1}`).not.toBeNull();
    expect(focused?.outline, `focus ring on ${focused?.tag} (stop ${i + 1})`).toBe(true);
  }
});

test('phone: the filters live in a drawer that works from the keyboard and leaves no horizontal overflow', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/funnel');
  await expect(page.getByTestId('filter-bar').locator('.card')).toBeHidden();
  await page.getByTestId('open-filters').click();
  const drawer = page.getByRole('dialog', { name: 'Filters' });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('button', { name: 'Done' })).toBeFocused();
  await drawer.getByTestId('date-preset').selectOption('last7');
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}/);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(page.getByTestId('open-filters')).toBeFocused();
  await expect(page.getByTestId('open-filters')).toContainText('1');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('categories: a subcategory in the picker filters by its top-level category', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('category-select').click();
  const drill = page.getByTestId('category-drill').first();
  await drill.click();
  await expect(drill).toHaveAttribute('aria-expanded', 'true');
  const sub = page.getByTestId('category-l2').first();
  const parent = (await drill.getAttribute('aria-label'))?.match(/subcategories of (.+)$/)?.[1] ?? '';
  await sub.click();
  await expect(page).toHaveURL(new RegExp(`category=${encodeURIComponent(parent)}`));
  await expect(page.getByTestId('filter-chip')).toContainText(parent);
  await expect(sub).toHaveAttribute('aria-pressed', 'true');
});

test('first load makes no API request from the browser: every page is prefetched on the server', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/trpc/')) requests.push(decodeURIComponent(new URL(r.url()).pathname));
  });
  for (const url of [...NAV_ITEMS.map((i) => i.href), '/?from=2019-10-15&to=2019-10-21&compare=1', '/funnel?from=2019-10-08&to=2019-10-14&brand=apple']) {
    requests.length = 0;
    await page.goto(url);
    await expect(page.locator('[data-chart][data-chart-ready="true"]').first()).toBeVisible();
    await expect.poll(() => page.locator('[data-chart][data-chart-ready="false"]').count()).toBe(0);
    expect(requests, `${url}: requests after the HTML`).toEqual([]);
  }
});

test('every chart arrives drawn in the HTML (SVG), and its canvas takes the frame’s place without a hydration error', async ({ page, request }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  for (const item of NAV_ITEMS) {
    const html = await (await request.get(item.href)).text();
    const charts = html.match(/data-chart="true"/g)?.length ?? 0;
    const frames = html.match(/data-chart-frame="true"[^>]*><svg [^>]*viewBox="0 0 \d+ \d+"/g)?.length ?? 0;
    expect(charts, `${item.href}: charts in the HTML`).toBeGreaterThan(0);
    expect(frames, `${item.href}: drawn frames in the HTML`).toBe(charts);
    await page.goto(item.href);
    await expect.poll(() => page.locator('[data-chart][data-chart-ready="false"]').count()).toBe(0);
    await expect(page.locator('[data-chart-frame]')).toHaveCount(0);
    await expect(page.locator('[data-chart] canvas').first()).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('chart frames are drawn in the theme the browser last used (theme cookie), and a frame of the other theme stays hidden', async ({ browser, request, baseURL }) => {
  const dark = await (await request.get('/segments', { headers: { cookie: 'clicklake-theme=dark' } })).text();
  expect(dark).toMatch(/<html[^>]*class="dark"/);
  expect(dark.match(/data-frame-theme="dark"/g)?.length ?? 0).toBeGreaterThan(0);
  expect(dark).not.toContain('data-frame-theme="light"');
  // Axis labels in the dark palette's muted text colour.
  expect(dark).toContain('fill="#94a3b8"');
  const light = await (await request.get('/segments')).text();
  expect(light).not.toContain('data-frame-theme="dark"');
  expect(light).not.toMatch(/<html[^>]*class="dark"/);

  // Without JavaScript the frames are the charts: a dark frame shows on a dark page, a light one is hidden there.
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await context.addCookies([{ name: 'clicklake-theme', value: 'dark', url: baseURL! }]);
  await page.goto('/segments');
  await expect(page.locator('[data-frame-theme="dark"]').first()).toBeVisible();
  await page.evaluate(() => document.documentElement.classList.remove('dark'));
  await expect(page.locator('[data-frame-theme="dark"]').first()).toBeHidden();
  await context.close();

  // With JavaScript, a dark system theme and the dark cookie: hydration in the dark theme, no errors, canvases replace the frames.
  const live = await browser.newContext({ baseURL, colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
  await live.addCookies([{ name: 'clicklake-theme', value: 'dark', url: baseURL! }]);
  const errors: string[] = [];
  const livePage = await live.newPage();
  livePage.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  livePage.on('pageerror', (error) => errors.push(error.message));
  await livePage.goto('/segments');
  await expect.poll(() => livePage.locator('[data-chart][data-chart-ready="false"]').count()).toBe(0);
  await expect(livePage.locator('[data-chart-frame]')).toHaveCount(0);
  await expect(livePage.locator('html')).toHaveClass(/dark/);
  expect(errors).toEqual([]);
  await live.close();
});
