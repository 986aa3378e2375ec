import type { EChartsOption } from 'echarts';
import type { Unit } from '@/components/ui/format';
import { baseOption, categoryAxis, esc, formatValue, mixColor, unitLabel, valueAxis } from './base';
import type { ChartTheme } from './theme';

export interface BarRow {
  name: string;
  value: number | null;
  /** Optional second value shown in the tooltip (e.g. share or conversion). */
  note?: string;
}

export interface BarInput {
  rows: BarRow[];
  unit: Unit;
  seriesName: string;
  /** Horizontal bars read better for long labels (brands, categories). */
  horizontal?: boolean;
  /** Names currently in the filter: drawn in the accent colour. */
  selected?: string[];
  /** Second series drawn beside the first (e.g. previous period). */
  compare?: { seriesName: string; values: (number | null)[] };
}

/** Ranked bars for a breakdown; clicking a bar reports its `name` (used for cross-filtering). */
export function barOption(input: BarInput, theme: ChartTheme): EChartsOption {
  const rows = input.horizontal ? [...input.rows].reverse() : input.rows;
  const names = rows.map((r) => r.name);
  const selected = new Set(input.selected ?? []);
  const values = rows.map((r) => ({
    value: r.value,
    itemStyle: selected.has(r.name) ? { color: theme.palette[1] } : undefined,
  }));
  const compareValues = input.compare ? (input.horizontal ? [...input.compare.values].reverse() : input.compare.values) : null;
  const catAxis = categoryAxis(theme, names, input.horizontal ? { axisLabel: { color: theme.text, width: 130, overflow: 'truncate' } } : { axisLabel: { color: theme.muted, interval: 0, rotate: names.length > 5 ? 30 : 0, width: 90, overflow: 'truncate' } });
  const valAxis = valueAxis(theme, input.unit, unitLabel(input.unit));
  const series: EChartsOption['series'] = [
    { type: 'bar', name: input.seriesName, data: values, barMaxWidth: 22, itemStyle: { borderRadius: input.horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] } },
  ];
  if (compareValues && input.compare) {
    series.push({ type: 'bar', name: input.compare.seriesName, data: compareValues, barMaxWidth: 22, itemStyle: { color: theme.palette[8], opacity: 0.6 } });
  }
  return {
    ...baseOption(theme),
    grid: { left: 8, right: 24, top: compareValues ? 28 : 20, bottom: 8, containLabel: true },
    legend: compareValues ? { top: 0, left: 0, textStyle: { color: theme.text } } : undefined,
    tooltip: {
      ...baseOption(theme).tooltip,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const items = params as { name: string; dataIndex: number; marker: string; seriesName: string; value: unknown }[];
        if (!items.length) return '';
        const row = rows[items[0].dataIndex];
        const lines = items.map((p) => `${p.marker}${esc(p.seriesName)}: <b>${formatValue(p.value, input.unit)}</b>`);
        return [`<b>${esc(items[0].name)}</b>`, ...lines, ...(row?.note ? [esc(row.note)] : [])].join('<br/>');
      },
    },
    xAxis: input.horizontal ? valAxis : catAxis,
    yAxis: input.horizontal ? catAxis : valAxis,
    series,
  };
}

export interface FunnelStep {
  name: string;
  sessions: number;
}

/** The funnel as horizontal bars with step conversion and drop-off in the labels and tooltip. */
export function funnelOption(steps: FunnelStep[], theme: ChartTheme): EChartsOption {
  const top = steps[0]?.sessions ?? 0;
  const labels = steps.map((s, i) => {
    const prev = i === 0 ? null : steps[i - 1].sessions;
    const step = prev ? s.sessions / prev : null;
    return { step, ofTop: top ? s.sessions / top : null };
  });
  return {
    ...baseOption(theme),
    grid: { left: 8, right: 140, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...baseOption(theme).tooltip,
      trigger: 'item',
      formatter: (p: unknown) => {
        const { dataIndex } = p as { dataIndex: number };
        const s = steps[dataIndex];
        const l = labels[dataIndex];
        const parts = [`<b>${esc(s.name)}</b>`, `Sessions: <b>${formatValue(s.sessions, 'count')}</b>`];
        if (l.step !== null) parts.push(`Step conversion: <b>${formatValue(l.step, 'rate')}</b>`, `Drop-off: <b>${formatValue(1 - l.step, 'rate')}</b>`);
        if (l.ofTop !== null) parts.push(`Of all sessions: ${formatValue(l.ofTop, 'rate')}`);
        return parts.join('<br/>');
      },
    },
    xAxis: { type: 'value', show: false },
    yAxis: categoryAxis(theme, steps.map((s) => s.name), { inverse: true, axisLabel: { color: theme.text, fontSize: 13 } }),
    series: [
      {
        type: 'bar',
        name: 'Sessions',
        barWidth: '60%',
        data: steps.map((s, i) => ({ value: s.sessions, itemStyle: { color: theme.palette[i % theme.palette.length], borderRadius: [0, 4, 4, 0] } })),
        label: {
          show: true,
          position: 'right',
          color: theme.text,
          formatter: (p: unknown) => {
            const { dataIndex } = p as { dataIndex: number };
            const l = labels[dataIndex];
            const count = formatValue(steps[dataIndex].sessions, 'count');
            return l.step === null ? count : `${count}  (${formatValue(l.step, 'rate')} of previous)`;
          },
        },
      },
    ],
  };
}

export interface HeatmapInput {
  /** Row labels (e.g. weekdays), top to bottom. */
  rows: string[];
  /** Column labels (e.g. hours). */
  columns: string[];
  /** [columnIndex, rowIndex, value]. */
  cells: [number, number, number | null][];
  unit: Unit;
  valueName: string;
  /** Top of the colour scale (default: the largest cell), e.g. to keep an always-100% column from washing out the rest. */
  max?: number;
}

export function heatmapOption(input: HeatmapInput, theme: ChartTheme): EChartsOption {
  const values = input.cells.map((c) => c[2]).filter((v): v is number => v !== null);
  const max = input.max ?? (values.length ? Math.max(...values) : 1);
  return {
    ...baseOption(theme),
    grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...baseOption(theme).tooltip,
      trigger: 'item',
      formatter: (p: unknown) => {
        const { value } = p as { value: [number, number, number | null] };
        return `<b>${esc(input.rows[value[1]])} ${esc(input.columns[value[0]])}</b><br/>${esc(input.valueName)}: <b>${formatValue(value[2], input.unit)}</b>`;
      },
    },
    xAxis: categoryAxis(theme, input.columns, { splitArea: { show: false } }),
    yAxis: categoryAxis(theme, input.rows, { inverse: true }),
    series: [
      {
        type: 'heatmap',
        name: input.valueName,
        // Colours computed here rather than by a visualMap component (smaller bundle): darker = more.
        data: input.cells.map((c) => ({ value: c, itemStyle: { color: c[2] === null ? theme.grid : mixColor(theme.heat[0], theme.heat[1], max ? c[2] / max : 0) } })),
        itemStyle: { borderColor: theme.background, borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: theme.text, borderWidth: 1 } },
      },
    ],
  };
}

export interface TreeNode {
  name: string;
  value: number;
  children?: TreeNode[];
}

/** Category treemap l1 → l2 → l3; clicking a node reports its l1 ancestor via `treePathInfo`. */
export function treemapOption(nodes: TreeNode[], unit: Unit, theme: ChartTheme): EChartsOption {
  return {
    ...baseOption(theme),
    tooltip: {
      ...baseOption(theme).tooltip,
      formatter: (p: unknown) => {
        const { treePathInfo, value } = p as { treePathInfo: { name: string }[]; value: number };
        const path = treePathInfo.slice(1).map((n) => esc(n.name)).join(' › ');
        return `<b>${path}</b><br/>${unit === 'usd' ? 'Revenue' : 'Value'}: <b>${formatValue(value, unit)}</b>`;
      },
    },
    series: [
      {
        type: 'treemap',
        name: 'All categories',
        data: nodes,
        roam: false,
        nodeClick: 'zoomToNode',
        leafDepth: 2,
        top: 8,
        left: 0,
        right: 0,
        bottom: 32,
        breadcrumb: { show: true, bottom: 0, itemStyle: { color: theme.background, borderColor: theme.grid, textStyle: { color: theme.text } } },
        label: { show: true, formatter: '{b}', color: '#fff', overflow: 'truncate' },
        upperLabel: { show: true, height: 20, color: '#fff' },
        itemStyle: { borderColor: theme.background, borderWidth: 1, gapWidth: 1 },
        levels: [
          { itemStyle: { borderWidth: 0, gapWidth: 2 } },
          { itemStyle: { gapWidth: 1 }, colorSaturation: [0.35, 0.6] },
          { colorSaturation: [0.3, 0.5], itemStyle: { borderColorSaturation: 0.6, gapWidth: 1 } },
        ],
      },
    ],
  };
}

export interface PieRow {
  name: string;
  value: number;
}

export function donutOption(rows: PieRow[], unit: Unit, seriesName: string, theme: ChartTheme): EChartsOption {
  const total = rows.reduce((a, r) => a + r.value, 0);
  return {
    ...baseOption(theme),
    legend: { bottom: 0, textStyle: { color: theme.text } },
    tooltip: {
      ...baseOption(theme).tooltip,
      trigger: 'item',
      formatter: (p: unknown) => {
        const { name, value } = p as { name: string; value: number };
        return `<b>${esc(name)}</b><br/>${esc(seriesName)}: <b>${formatValue(value, unit)}</b> (${formatValue(total ? value / total : null, 'rate')})`;
      },
    },
    series: [
      {
        type: 'pie',
        name: seriesName,
        radius: ['45%', '72%'],
        center: ['50%', '45%'],
        itemStyle: { borderColor: theme.background, borderWidth: 2 },
        label: { color: theme.text, formatter: '{d}%' },
        data: rows,
      },
    ],
  };
}

export interface StackedInput {
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  unit: Unit;
}

/** Stacked vertical bars (e.g. stage durations per pipeline run). */
export function stackedBarOption(input: StackedInput, theme: ChartTheme): EChartsOption {
  return {
    ...baseOption(theme),
    grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
    legend: { top: 0, right: 0, textStyle: { color: theme.text } },
    tooltip: {
      ...baseOption(theme).tooltip,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const items = params as { name: string; marker: string; seriesName: string; value: unknown }[];
        if (!items.length) return '';
        const total = items.reduce((s, p) => s + (typeof p.value === 'number' ? p.value : 0), 0);
        return [`<b>${esc(items[0].name)}</b>`, ...items.map((p) => `${p.marker}${esc(p.seriesName)}: <b>${formatValue(p.value, input.unit)}</b>`), `Total: <b>${formatValue(total, input.unit)}</b>`].join('<br/>');
      },
    },
    xAxis: categoryAxis(theme, input.categories),
    yAxis: valueAxis(theme, input.unit, unitLabel(input.unit)),
    series: input.series.map((s) => ({ type: 'bar', name: s.name, stack: 'total', data: s.values, barMaxWidth: 28 })),
  };
}
