'use client';

import type { EChartsOption } from 'echarts';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTheme } from '@/components/layout/theme';
import { echarts } from './echarts';
import { DARK, LIGHT, type ChartTheme } from './theme';

export interface ChartClick {
  name: string;
  seriesName?: string;
  value?: unknown;
  data?: unknown;
}

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
  // Tests reach the instance through the DOM (convertToPixel to click a given bar).
  const onChartReady = useCallback((instance: unknown) => {
    if (wrapper.current) wrapper.current.__chart = instance;
  }, []);
  const onEvents = useMemo(() => {
    const events: Record<string, (params: unknown) => void> = { finished: () => setReady(true) };
    if (onClick) events.click = (params) => onClick(params as ChartClick);
    return events;
  }, [onClick]);
  return (
    <div ref={wrapper} role="img" aria-label={label} data-chart data-chart-ready={ready ? 'true' : 'false'} className={onClick ? 'cursor-pointer' : undefined}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        lazyUpdate
        style={{ height, width: '100%' }}
        opts={{ renderer: 'canvas' }}
        onEvents={onEvents}
        onChartReady={onChartReady}
      />
    </div>
  );
}
