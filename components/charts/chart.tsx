'use client';

import type { EChartsOption } from 'echarts';
import dynamic from 'next/dynamic';
import { Suspense, useCallback, useMemo, useRef, useState } from 'react';
import { useTheme } from '@/components/layout/theme';
import { serverFrame, type ChartSpan } from './frame';
import { DARK, LIGHT, type ChartTheme } from './theme';

export interface ChartClick {
  name: string;
  seriesName?: string;
  value?: unknown;
  data?: unknown;
}

// ECharts is the largest dependency by far: it is a separate chunk, outside the first-load JavaScript.
// Rendered on the server (an empty box of the chart's size), the dynamic import makes Next preload
// the chunk from the page's HTML, so it downloads alongside the first-load scripts instead of after
// hydration; each chart hydrates in its own Suspense boundary once the chunk is there.
const EChartCanvas = dynamic(() => import('./echart-canvas'));

interface ChartProps {
  build: (theme: ChartTheme) => EChartsOption;
  height?: number;
  /** Short description for screen readers; the data table is the full alternative. */
  label: string;
  onClick?: (event: ChartClick) => void;
  /** The chart's share of the desktop layout's width (sizes the server-drawn first frame). */
  span?: ChartSpan;
}

/**
 * One ECharts canvas. `data-chart-ready` turns true once ECharts has finished its first render, so
 * tests and benchmarks wait on a marker rather than on time.
 *
 * Until then the server's drawing of the same option (frame.ts, as SVG in the HTML) stands in its
 * place, so a first visit shows the chart with the first paint rather than after ECharts has loaded.
 * The browser renders that element empty (it has no renderer): React keeps the server's markup while
 * hydrating, and the element goes once the canvas is ready. The frame is drawn in the theme the server
 * knows (the theme cookie; light when unknown) and for the desktop layout: a frame of the other theme
 * and narrow screens skip it (CSS) and wait for the canvas as before.
 */
export function Chart({ build, height = 300, label, onClick, span = 'half' }: ChartProps) {
  const { resolved } = useTheme();
  const theme = resolved === 'dark' ? DARK : LIGHT;
  const option = useMemo(() => build(theme), [build, theme]);
  const [ready, setReady] = useState(false);
  const wrapper = useRef<HTMLDivElement & { __chart?: unknown }>(null);
  const onFinished = useCallback(() => setReady(true), []);
  // Tests reach the instance through the DOM (convertToPixel to click a given bar).
  const onInstance = useCallback((instance: unknown) => {
    if (wrapper.current) wrapper.current.__chart = instance;
  }, []);
  const frame = serverFrame(option, span, height);
  // The theme the frame is drawn in (the server's, which hydration shares): fixed for the element's
  // life, so CSS can hide a frame of the other theme once the real one is known.
  const [frameTheme] = useState(resolved);
  return (
    <div
      ref={wrapper}
      role="img"
      aria-label={label}
      data-chart
      data-chart-ready={ready ? 'true' : 'false'}
      style={{ minHeight: height }}
      className={`relative ${onClick ? 'cursor-pointer' : ''}`}
    >
      {!ready && (
        <div
          data-chart-frame
          data-frame-theme={frameTheme}
          aria-hidden
          className="absolute inset-x-0 top-0 z-10 overflow-hidden bg-white empty:hidden max-sm:hidden dark:bg-slate-900"
          style={{ height }}
          dangerouslySetInnerHTML={{ __html: frame ?? '' }}
          suppressHydrationWarning
        />
      )}
      <Suspense fallback={<div style={{ height }} />}>
        <EChartCanvas option={option} height={height} onClick={onClick} onFinished={onFinished} onInstance={onInstance} />
      </Suspense>
    </div>
  );
}
