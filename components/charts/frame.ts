/**
 * The contract between chart.tsx (client) and server-svg.ts (server only) for a chart's server-drawn
 * first frame. Kept apart so the client bundle imports neither ECharts' SVG renderer nor its module.
 */
import type { EChartsOption } from 'echarts';

export type ChartFrameRenderer = (option: EChartsOption, width: number, height: number) => string | null;

/** The `globalThis` slot the server fills (instrumentation.ts) and server renders read. */
export const CHART_FRAME_RENDERER = '__clicklakeChartFrame';

/**
 * A chart's width in the desktop layout (1280 px viewport: 1248 px of content, cards with 16 px
 * padding and 1 px borders, 24 px gaps), for the server's frame; the frame is stretched to the
 * actual width, so a wrong guess only distorts it until the canvas replaces it.
 */
export const FRAME_WIDTHS = {
  full: 1214,
  half: 578,
  third: 366,
  twoThirds: 790,
  twoFifths: 451,
  threeFifths: 705,
} as const;

export type ChartSpan = keyof typeof FRAME_WIDTHS;

/** The server's frame of an option, or null in the browser and when the server has no renderer. */
export function serverFrame(option: EChartsOption, span: ChartSpan, height: number): string | null {
  if (typeof window !== 'undefined') return null;
  const render = (globalThis as Record<string, unknown>)[CHART_FRAME_RENDERER] as ChartFrameRenderer | undefined;
  return render ? render(option, FRAME_WIDTHS[span], height) : null;
}
