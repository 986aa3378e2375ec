import type { EChartsOption, LineSeriesOption, BarSeriesOption } from 'echarts';
import type { Unit } from '@/components/ui/format';
import { baseOption, categoryAxis, esc, formatValue, unitLabel, valueAxis } from './base';
import type { ChartTheme } from './theme';

export interface SeriesSpec {
  key: string;
  name: string;
  unit: Unit;
  kind?: 'line' | 'bar';
  /** 0 = left axis, 1 = right axis. */
  axis?: 0 | 1;
  dashed?: boolean;
}

export interface RunAnnotation {
  /** The event dates the run rebuilt; the marker sits on the latest of them inside the chart's range. */
  dates: string[];
  label: string;
}

export interface TimeSeriesInput {
  dates: string[];
  values: Record<string, (number | null)[]>;
  series: SeriesSpec[];
  annotations?: RunAnnotation[];
  /** Days that are only partly loaded; shaded and labelled "incomplete". */
  incompleteDays?: string[];
}

/**
 * Daily series over dates, with pipeline runs as vertical markers and an incomplete last day shaded.
 * Up to two value axes (left for the first unit, right for the second).
 */
export function timeSeriesOption(input: TimeSeriesInput, theme: ChartTheme): EChartsOption {
  const units = [...new Set(input.series.map((s) => s.unit))].slice(0, 2);
  const axisOf = (s: SeriesSpec) => s.axis ?? (units.indexOf(s.unit) === 1 ? 1 : 0);
  const shown = new Set(input.dates);
  const annotations = (input.annotations ?? []).flatMap((a) => {
    const inRange = a.dates.filter((d) => shown.has(d)).sort();
    return inRange.length ? [{ date: inRange[inRange.length - 1], label: a.label }] : [];
  });
  const incomplete = new Set((input.incompleteDays ?? []).filter((d) => shown.has(d)));
  const series = input.series.map((s, i) => {
    const common = {
      name: s.name,
      yAxisIndex: axisOf(s),
      data: input.values[s.key] ?? [],
    };
    const marks =
      i === 0
        ? {
            markLine: annotations.length
              ? {
                  symbol: ['none', 'none'],
                  silent: false,
                  lineStyle: { color: theme.annotation, type: 'dashed' as const, width: 1 },
                  label: { show: true, formatter: '▲', color: theme.annotation, position: 'end' as const },
                  tooltip: { formatter: (p: { data?: { runLabel?: string } }) => esc(p.data?.runLabel ?? 'pipeline run') },
                  data: annotations.map((a) => ({ xAxis: a.date, runLabel: a.label })),
                }
              : undefined,
            markArea: incomplete.size
              ? {
                  silent: true,
                  itemStyle: { color: theme.incomplete },
                  label: { show: true, formatter: 'incomplete', color: theme.muted, position: 'insideTop' as const, fontSize: 10 },
                  data: [...incomplete].sort().map((d) => [{ xAxis: d }, { xAxis: d }]) as [{ xAxis: string }, { xAxis: string }][],
                }
              : undefined,
          }
        : {};
    if (s.kind === 'bar') {
      return { ...common, ...marks, type: 'bar', barMaxWidth: 18, itemStyle: { borderRadius: [2, 2, 0, 0] } } as BarSeriesOption;
    }
    return {
      ...common,
      ...marks,
      type: 'line',
      showSymbol: input.dates.length <= 31,
      symbolSize: 5,
      smooth: false,
      connectNulls: false,
      lineStyle: { width: 2, type: s.dashed ? 'dashed' : 'solid' },
    } as LineSeriesOption;
  });
  return {
    ...baseOption(theme),
    grid: { left: 8, right: units.length > 1 ? 8 : 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { color: theme.text }, itemWidth: 14, itemHeight: 8 },
    tooltip: {
      ...baseOption(theme).tooltip,
      trigger: 'axis',
      formatter: (params: unknown) => {
        const items = params as { axisValue: string; seriesIndex: number; marker: string; seriesName: string; value: unknown }[];
        if (!items.length) return '';
        const date = items[0].axisValue;
        const lines = items.map((p) => `${p.marker}${esc(p.seriesName)}: <b>${formatValue(p.value, input.series[p.seriesIndex]?.unit ?? 'count')}</b>`);
        const runs = annotations.filter((a) => a.date === date).map((a) => `▲ ${esc(a.label)}`);
        const flag = incomplete.has(date) ? ['<i>partly loaded day: incomplete</i>'] : [];
        return [`<b>${esc(date)}</b> (UTC)`, ...lines, ...runs, ...flag].join('<br/>');
      },
    },
    xAxis: categoryAxis(theme, input.dates, { boundaryGap: input.series.some((s) => s.kind === 'bar') }),
    yAxis: units.map((u, i) => ({ ...valueAxis(theme, u, unitLabel(u)), splitLine: { show: i === 0, lineStyle: { color: theme.grid } } })),
    series,
  };
}
