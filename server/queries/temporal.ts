/** Temporal page queries over gold.hourly_activity and gold.daily_kpis / session_facts. */
import type { Params } from '../lake/database';
import { daily as executiveDaily } from './executive';
import { addDays, cents, daysBetween, ratio, round, view, whereFilters, type QueryScope } from './sql';

export const HEATMAP_METRICS = { events: 'events', views: 'views', purchases: 'purchases', revenue: 'revenue' } as const;

/** ISO weekday (1 = Monday) → how many times it occurs in [from, to]. */
export function weekdayOccurrences(from: string, to: string): Record<number, number> {
  const out: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0 };
  for (let d = from; d <= to; d = addDays(d, 1)) out[((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1]++;
  return out;
}

/** Hour (UTC) × ISO weekday: the metric summed, divided by how often that weekday occurs in range. */
export async function heatmap(scope: QueryScope<{ metric: keyof typeof HEATMAP_METRICS }>): Promise<{ metric: string; occurrences: Record<number, number>; cells: Array<{ weekday: number; hour: number; total: number; perDay: number | null }> }> {
  const params: Params = {};
  const rows = await scope.db.rows<{ weekday: number; hour: number; total: number }>(
    `SELECT iso_weekday AS weekday, hour, CAST(sum(${HEATMAP_METRICS[scope.input.metric]}) AS DOUBLE) AS total
     FROM ${view(scope, 'hourly_activity')} ${whereFilters(scope.filters, params)} GROUP BY ALL ORDER BY weekday, hour`,
    params,
  );
  const occurrences = weekdayOccurrences(scope.filters.from, scope.filters.to);
  const cells = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      const total = rows.find((r) => r.weekday === weekday && r.hour === hour)?.total ?? 0;
      cells.push({ weekday, hour, total: round(total, 2), perDay: occurrences[weekday] ? round(total / occurrences[weekday], 2) : null });
    }
  }
  return { metric: scope.input.metric, occurrences, cells };
}

export interface TemporalDay {
  date: string;
  views: number;
  purchases: number;
  revenue: number;
  sessions: number;
  orders: number;
  revenueAvg7: number;
  sessionsAvg7: number;
}

/** Daily series with trailing 7-day averages (over the days available, up to 7). */
export async function daily(scope: QueryScope): Promise<TemporalDay[]> {
  const days = await executiveDaily(scope);
  return days.map((d, i) => {
    const window = days.slice(Math.max(0, i - 6), i + 1);
    return {
      date: d.date,
      views: d.views,
      purchases: d.purchases,
      revenue: d.revenue,
      sessions: d.sessions,
      orders: d.orders,
      revenueAvg7: cents(window.reduce((s, x) => s + x.revenue, 0) / window.length),
      sessionsAvg7: round(window.reduce((s, x) => s + x.sessions, 0) / window.length, 1),
    };
  });
}

export async function weekdayWeekend(scope: QueryScope): Promise<Array<{ kind: 'weekday' | 'weekend'; days: number; eventsPerDay: number | null; revenuePerDay: number | null; purchasesPerDay: number | null; conversionRate: number | null }>> {
  const params: Params = {};
  const rows = await scope.db.rows<{ weekend: boolean; events: number; views: number; purchases: number; revenue: number }>(
    `SELECT iso_weekday >= 6 AS weekend, sum(events) AS events, sum(views) AS views, sum(purchases) AS purchases, CAST(sum(revenue) AS DOUBLE) AS revenue
     FROM ${view(scope, 'hourly_activity')} ${whereFilters(scope.filters, params)} GROUP BY ALL`,
    params,
  );
  const occ = weekdayOccurrences(scope.filters.from, scope.filters.to);
  const count = { weekday: occ[1] + occ[2] + occ[3] + occ[4] + occ[5], weekend: occ[6] + occ[7] };
  return (['weekday', 'weekend'] as const).map((kind) => {
    const r = rows.find((x) => x.weekend === (kind === 'weekend'));
    const days = count[kind];
    return {
      kind,
      days,
      eventsPerDay: days ? round((r?.events ?? 0) / days, 1) : null,
      revenuePerDay: days ? cents((r?.revenue ?? 0) / days) : null,
      purchasesPerDay: days ? round((r?.purchases ?? 0) / days, 1) : null,
      conversionRate: ratio(r?.purchases ?? 0, r?.views ?? 0),
    };
  });
}

export interface Anomaly {
  date: string;
  metric: 'revenue' | 'sessions';
  value: number;
  expected: number;
  zScore: number;
  direction: 'high' | 'low';
}

/**
 * Days whose revenue or sessions sit ≥ `threshold` standard deviations from the mean of the range
 * (a partial last day shows up as low: it is flagged like any other).
 */
export async function anomalies(scope: QueryScope<{ threshold: number }>): Promise<{ days: number; anomalies: Anomaly[] }> {
  const days = await executiveDaily(scope);
  const out: Anomaly[] = [];
  for (const metric of ['revenue', 'sessions'] as const) {
    const values = days.map((d) => d[metric]);
    const mean = values.reduce((s, v) => s + v, 0) / (values.length || 1);
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length || 1));
    if (!sd || days.length < 3) continue;
    days.forEach((d) => {
      const z = (d[metric] - mean) / sd;
      if (Math.abs(z) >= scope.input.threshold) out.push({ date: d.date, metric, value: d[metric], expected: round(mean, 2), zScore: round(z, 2), direction: z > 0 ? 'high' : 'low' });
    });
  }
  return { days: daysBetween(scope.filters.from, scope.filters.to), anomalies: out.sort((a, b) => a.date.localeCompare(b.date)) };
}
