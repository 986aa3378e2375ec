import { afterEach, describe, expect, it } from 'vitest';
import { barOption } from './breakdown';
import { CHART_FRAME_RENDERER, FRAME_WIDTHS, serverFrame } from './frame';
import { registerChartFrameRenderer, renderChartFrame } from './server-svg';
import { LIGHT } from './theme';

const option = barOption({ rows: [{ name: 'electronics', value: 1200 }, { name: 'appliances', value: 800 }], unit: 'usd', seriesName: 'Revenue' }, LIGHT);

describe('server-drawn chart frames', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)[CHART_FRAME_RENDERER];
  });

  it('draws an option as SVG stretched to the box, with its labels and bars', () => {
    const svg = renderChartFrame(option, 578, 300)!;
    expect(svg).toMatch(/^<svg width="100%" height="300" preserveAspectRatio="none"/);
    expect(svg).toContain('viewBox="0 0 578 300"');
    expect(svg).toContain('electronics');
    expect(svg).toContain('appliances');
    // Two bars in the series colour.
    expect(svg.match(new RegExp(`fill="${LIGHT.palette[0]}"`, 'g'))?.length).toBe(2);
  });

  it('draws the same view once: a second request gets the same markup from the cache', () => {
    const first = renderChartFrame(option, 366, 280);
    const started = performance.now();
    expect(renderChartFrame(option, 366, 280)).toBe(first);
    expect(performance.now() - started).toBeLessThan(first === null ? Infinity : 50);
  });

  it('returns null rather than throwing for an option ECharts cannot draw', () => {
    const failing = { ...option, yAxis: { type: 'value' as const, axisLabel: { formatter: () => { throw new Error('bad formatter'); } } } };
    expect(renderChartFrame(failing, 200, 100)).toBeNull();
  });

  it('is reached through globalThis once registered, at the span’s desktop width', () => {
    expect(serverFrame(option, 'half', 300)).toBeNull();
    registerChartFrameRenderer();
    const svg = serverFrame(option, 'third', 300)!;
    expect(svg).toContain(`viewBox="0 0 ${FRAME_WIDTHS.third} 300"`);
  });
});
