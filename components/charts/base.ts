/** Shared pieces of every option: text colours, axes, tooltip frame. Pure, no DOM. */
import type { EChartsOption } from 'echarts';
import { fmtAxis, fmtUnit, type Unit } from '@/components/ui/format';
import type { ChartTheme } from './theme';

export function baseOption(theme: ChartTheme): EChartsOption {
  return {
    backgroundColor: 'transparent',
    color: theme.palette,
    textStyle: { color: theme.text, fontFamily: 'ui-sans-serif, system-ui, sans-serif' },
    // No entry animation: charts show their final state in the first frame (and `finished`, which
    // marks a chart rendered, fires without waiting ~0.5 s for animations on a busy machine).
    animation: false,
    tooltip: {
      confine: true,
      backgroundColor: theme.background,
      borderColor: theme.grid,
      textStyle: { color: theme.text, fontSize: 12 },
    },
  };
}

export function valueAxis(theme: ChartTheme, unit: Unit, name?: string) {
  return {
    type: 'value' as const,
    name,
    nameTextStyle: { color: theme.muted, align: 'left' as const },
    splitNumber: 4,
    axisLabel: { color: theme.muted, hideOverlap: true, formatter: (v: number) => fmtAxis(v, unit) },
    splitLine: { lineStyle: { color: theme.grid } },
  };
}

export function categoryAxis(theme: ChartTheme, data: string[], extra: Record<string, unknown> = {}) {
  return {
    type: 'category' as const,
    data,
    axisLabel: { color: theme.muted, hideOverlap: true },
    axisLine: { lineStyle: { color: theme.grid } },
    axisTick: { show: false },
    ...extra,
  };
}

export function unitLabel(unit: Unit): string {
  return unit === 'usd' ? 'USD' : unit === 'rate' ? '%' : unit === 'minutes' ? 'minutes' : unit === 'seconds' ? 'seconds' : 'count';
}

export function formatValue(value: unknown, unit: Unit): string {
  return typeof value === 'number' ? fmtUnit(value, unit) : value === null || value === undefined ? '—' : String(value);
}

/** Escapes text placed in tooltip HTML (brand and category names come from data). */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Linear mix of two #rrggbb colours, t in [0, 1]. */
export function mixColor(from: string, to: string, t: number): string {
  const a = [1, 3, 5].map((i) => parseInt(from.slice(i, i + 2), 16));
  const b = [1, 3, 5].map((i) => parseInt(to.slice(i, i + 2), 16));
  const k = Math.min(1, Math.max(0, t));
  return `#${a.map((v, i) => Math.round(v + (b[i] - v) * k).toString(16).padStart(2, '0')).join('')}`;
}
