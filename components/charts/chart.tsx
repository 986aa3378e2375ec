'use client';

import type { EChartsOption } from 'echarts';
import dynamic from 'next/dynamic';
import { Suspense, useCallback, useMemo, useRef, useState } from 'react';
import { useTheme } from '@/components/layout/theme';
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
}

/**
 * One ECharts canvas. `data-chart-ready` turns true once ECharts has finished its first render, so
 * tests and benchmarks wait on a marker rather than on time.
 */
export function Chart({ build, height = 300, label, onClick }: ChartProps) {
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
  return (
    <div ref={wrapper} role="img" aria-label={label} data-chart data-chart-ready={ready ? 'true' : 'false'} style={{ minHeight: height }} className={onClick ? 'cursor-pointer' : undefined}>
      <Suspense fallback={<div style={{ height }} />}>
        <EChartCanvas option={option} height={height} onClick={onClick} onFinished={onFinished} onInstance={onInstance} />
      </Suspense>
    </div>
  );
}
