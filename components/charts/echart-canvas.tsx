'use client';

import type { EChartsOption } from 'echarts';
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { useMemo } from 'react';
import type { ChartClick } from './chart';
import { echarts } from './echarts';

export interface EChartCanvasProps {
  option: EChartsOption;
  height: number;
  onClick?: (event: ChartClick) => void;
  onFinished: () => void;
  onInstance: (instance: unknown) => void;
}

/** The ECharts canvas itself; loaded as its own chunk after the page (see chart.tsx). */
export default function EChartCanvas({ option, height, onClick, onFinished, onInstance }: EChartCanvasProps) {
  const onEvents = useMemo(() => {
    const events: Record<string, (params: unknown) => void> = { finished: onFinished };
    if (onClick) events.click = (params) => onClick(params as ChartClick);
    return events;
  }, [onClick, onFinished]);
  return <ReactEChartsCore echarts={echarts} option={option} notMerge lazyUpdate style={{ height, width: '100%' }} opts={{ renderer: 'canvas' }} onEvents={onEvents} onChartReady={onInstance} />;
}
