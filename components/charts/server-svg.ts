/**
 * Server-side first frame of a chart: ECharts' SSR mode renders an option to an SVG string in Node,
 * without a DOM. The HTML then carries every chart as it will look, so a first visit shows charts with
 * the first paint instead of after the JavaScript (ECharts alone is ~670 kB to parse) has loaded and
 * hydrated; the interactive canvas replaces the frame once it has drawn (chart.tsx).
 *
 * Registered on the server only, through `globalThis` (instrumentation.ts; frame.ts is the contract):
 * client components reach it without importing it, so none of this enters a browser bundle.
 */
import type { EChartsOption } from 'echarts';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { CHART_PARTS } from './echarts-parts';
import { CHART_FRAME_RENDERER, type ChartFrameRenderer } from './frame';

// The browser's parts without tooltips (a static frame has no interaction), drawn as SVG.
echarts.use([...CHART_PARTS, SVGRenderer]);

/** Frames by option (data and theme) and size: the same view is drawn once, not per request. */
const frames = new Map<string, string | null>();
const MAX_FRAMES = 200;

/**
 * The option drawn once at width × height, as SVG markup stretched to its box (width 100%, the given
 * height), or null when ECharts cannot draw it (the client then draws the chart as before).
 */
export const renderChartFrame: ChartFrameRenderer = (option, width, height) => {
  // Functions (formatters) follow from the serialised parts (units, names), so the JSON identifies the drawing.
  const key = `${width}x${height}:${JSON.stringify(option)}`;
  const cached = frames.get(key);
  if (cached !== undefined) return cached;
  const frame = draw(option, width, height);
  if (frames.size >= MAX_FRAMES) frames.delete(frames.keys().next().value!);
  frames.set(key, frame);
  return frame;
};

function draw(option: EChartsOption, width: number, height: number): string | null {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    // No tooltip in a static frame: the canvas brings interaction.
    const { tooltip: _tooltip, ...still } = option;
    chart.setOption({ ...still, animation: false });
    return chart.renderToSVGString().replace(/^<svg width="[\d.]+" height="[\d.]+"/, `<svg width="100%" height="${height}" preserveAspectRatio="none"`);
  } catch {
    return null;
  } finally {
    chart.dispose();
  }
}

export function registerChartFrameRenderer(): void {
  (globalThis as Record<string, unknown>)[CHART_FRAME_RENDERER] = renderChartFrame;
  // The first drawing pays for ECharts' own warm-up (~100 ms here): not on a visitor's request.
  draw({ xAxis: { type: 'category', data: ['a'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: [1] }] }, 100, 100);
}
