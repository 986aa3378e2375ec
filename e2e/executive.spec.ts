import { expect, test, type Page } from '@playwright/test';
import { KPI_SPECS } from '../components/executive/kpi-specs';
import { api, barPoint, expectChartsRendered, screenshotPage, watchErrors } from './helpers';

interface Kpis {
  current: Record<string, number | null>;
}

async function expectKpisMatch(page: Page, kpis: Kpis): Promise<void> {
  for (const spec of KPI_SPECS) {
    const expected = kpis.current[spec.key];
    await expect(page.getByTestId(`kpi-${spec.key}`), spec.key).toHaveAttribute('data-value', expected === null ? '' : String(expected));
  }
}

test('Executive renders KPIs equal to executive.kpis, insights and every chart, without errors', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Executive');
  await expectChartsRendered(page, 3);
  await expectKpisMatch(page, await api<Kpis>(request, 'executive.kpis', {}));
  const insights = await api<{ sentences: string[] }>(request, 'executive.insights', {});
  expect(insights.sentences.length).toBeGreaterThanOrEqual(3);
  for (const sentence of insights.sentences) await expect(page.getByTestId('insights')).toContainText(sentence);
  await expect(page.getByTestId('provenance')).toContainText('gold version');
  // Pipeline runs are annotated on the time series (the e2e lake was loaded in two runs).
  const runMarkers = () =>
    page.getByTestId('chart-daily-revenue').locator('[data-chart]').evaluate((el) => {
      const chart = (el as HTMLElement & { __chart?: { getOption(): { series: { markLine?: { data?: unknown[] } }[] } } }).__chart;
      return chart?.getOption().series[0].markLine?.data?.length ?? 0;
    });
  const provenance = await api<{ runs: unknown[]; quarantine: { share: number; sourceRows: number } }>(request, 'meta.provenance', {});
  expect(provenance.runs.length).toBeGreaterThanOrEqual(2);
  await expect.poll(runMarkers).toBe(provenance.runs.length);
  // The KPI tooltip gives the definition and the share of the range's source rows quarantined.
  await page.getByTestId('kpi-revenue').hover();
  const tooltip = page.getByTestId('kpi-revenue').getByTestId('kpi-tooltip');
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText(`${(provenance.quarantine.share * 100).toFixed(2)}% of the ${provenance.quarantine.sourceRows.toLocaleString('en-US')} source rows in this range`);
  const week = await api<{ quarantine: { share: number } }>(request, 'meta.provenance', { from: '2019-10-08', to: '2019-10-14' });
  await page.getByTestId('date-from').fill('2019-10-08');
  await page.getByTestId('date-to').fill('2019-10-14');
  await expect(page).toHaveURL(/from=2019-10-08&to=2019-10-14/);
  await page.getByTestId('kpi-orders').hover();
  await expect(page.getByTestId('kpi-orders').getByTestId('kpi-tooltip')).toContainText(`${(week.quarantine.share * 100).toFixed(2)}% of the`);
  expect(errors).toEqual([]);
});

test('filters change the numbers, live in the URL, survive navigation and back, and a copied URL reproduces the view', async ({ page, request, browser }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expectChartsRendered(page, 3);
  const meta = await api<{ maxDate: string }>(request, 'meta.filters');
  const before = await page.getByTestId('kpi-revenue').getAttribute('data-value');

  await page.getByTestId('date-preset').selectOption('last7');
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=/);
  const url = new URL(page.url());
  const from = url.searchParams.get('from') ?? '';
  expect(url.searchParams.get('to')).toBe(meta.maxDate);
  await expectKpisMatch(page, await api<Kpis>(request, 'executive.kpis', { from, to: meta.maxDate }));
  expect(await page.getByTestId('kpi-revenue').getAttribute('data-value')).not.toBe(before);

  // Compare to the previous period: a second series on the breakdowns and the trend.
  // click, not check(): the box is controlled by the URL, which updates right after the click.
  await page.getByTestId('compare-toggle').click();
  await expect(page).toHaveURL(/compare=1/);
  await expect(page.getByTestId('compare-toggle')).toBeChecked();
  const seriesCount = () =>
    page.getByTestId('chart-category-revenue').locator('[data-chart]').evaluate((el) => {
      const chart = (el as HTMLElement & { __chart?: { getOption(): { series: unknown[] } } }).__chart;
      return chart?.getOption().series.length ?? 0;
    });
  await expect.poll(seriesCount).toBe(2);
  await page.getByTestId('compare-toggle').click();
  await expect(page).not.toHaveURL(/compare=1/);
  await expect(page.getByTestId('compare-toggle')).not.toBeChecked();

  // Cross-filter: clicking the top brand bar adds the brand as a chip and to the URL.
  await expectChartsRendered(page, 3);
  const bar = await barPoint(page, 'chart-brand-revenue', 0);
  await page.getByTestId('chart-brand-revenue').locator('[data-chart] canvas').first().click({ position: { x: bar.x, y: bar.y } });
  await expect(page.getByTestId('filter-chip')).toContainText(bar.name);
  await expect(page).toHaveURL(new RegExp(`brand=${encodeURIComponent(bar.name)}`));
  const filters = { from, to: meta.maxDate, brands: [bar.name] };
  await expectKpisMatch(page, await api<Kpis>(request, 'executive.kpis', filters));

  // Navigation keeps the filters; back returns to the same view.
  await page.getByRole('navigation', { name: 'Dashboard pages' }).getByRole('link', { name: 'Funnel', exact: true }).click();
  await expect(page).toHaveURL(/\/funnel\?/);
  await expect(page.getByTestId('filter-chip')).toContainText(bar.name);
  expect(new URL(page.url()).searchParams.get('from')).toBe(from);
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/\\?from=${from}`));
  await expectKpisMatch(page, await api<Kpis>(request, 'executive.kpis', filters));
  await page.goBack();
  await expect(page.getByTestId('filter-chip')).toHaveCount(0);

  // A copied URL reproduces the view in a fresh browser context.
  await page.goForward();
  const copied = page.url();
  const other = await browser.newPage();
  await other.goto(copied);
  await expectKpisMatch(other, await api<Kpis>(request, 'executive.kpis', filters));
  await expect(other.getByTestId('filter-chip')).toContainText(bar.name);
  await other.close();

  // Removing the chip removes the filter.
  await page.getByTestId('filter-chip').click();
  await expect(page).not.toHaveURL(/brand=/);
  expect(errors).toEqual([]);
});

test('bad URL parameters show a readable message and a way back', async ({ page }) => {
  await page.goto('/?from=garbage');
  await expect(page.getByTestId('bad-params')).toContainText('"from" must be a date');
  await page.getByTestId('bad-params').getByRole('link').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('kpi-cards')).toBeVisible();
  await page.goto('/?from=2001-01-01&to=2001-01-02');
  await expect(page.getByTestId('bad-params')).toContainText('data range');
});

test('theme toggle switches and persists without a flash', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('theme-dark').click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.reload({ waitUntil: 'commit' });
  await page.waitForLoadState('domcontentloaded');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.getByTestId('theme-light').click();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
});

test('Executive screenshots: desktop light and dark, mobile without overflow', async ({ page }) => {
  const errors = watchErrors(page);
  await screenshotPage(page, 'executive', '/', 3);
  await page.getByTestId('open-filters').click();
  await expect(page.getByRole('dialog', { name: 'Filters' })).toBeVisible();
  expect(errors).toEqual([]);
});
