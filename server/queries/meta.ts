/** Lake metadata per gold state: data range, category tree, ranked brands; and the brand search. */
import type { Database, Params } from '../lake/database';
import type { GoldState } from '../lake/catalog';
import type { LakeMeta, QueryScope } from './sql';

export async function loadMeta(db: Database, state: GoldState): Promise<LakeMeta> {
  const [range] = await db.rows<{ min_date: string | null; max_date: string | null }>(
    `SELECT CAST(min(event_date) AS VARCHAR) AS min_date, CAST(max(event_date) AS VARCHAR) AS max_date FROM ${state.views.daily_kpis}`,
  );
  const categoryRows = await db.rows<{ l1: string; l2: string[] }>(
    `SELECT category_l1 AS l1, list(DISTINCT category_l2 ORDER BY category_l2) FILTER (WHERE category_l2 <> '(none)') AS l2
     FROM ${state.views.category_daily} GROUP BY category_l1 ORDER BY sum(views) DESC, category_l1`,
  );
  const brands = await db.rows<{ brand: string; revenue: number; views: number }>(
    `SELECT brand, CAST(sum(revenue) AS DOUBLE) AS revenue, CAST(sum(views) AS BIGINT) AS views
     FROM ${state.views.category_daily} GROUP BY brand ORDER BY revenue DESC, views DESC, brand`,
  );
  const categories = categoryRows.map((r) => ({ l1: r.l1, l2: r.l2 ?? [] }));
  const today = new Date().toISOString().slice(0, 10);
  return {
    minDate: range?.min_date ?? today,
    maxDate: range?.max_date ?? today,
    categories,
    brands: brands.map((b) => ({ brand: b.brand, revenue: Math.round(b.revenue * 100) / 100, views: b.views })),
    categorySet: new Set(categories.map((c) => c.l1)),
    brandSet: new Set(brands.map((b) => b.brand)),
  };
}

export interface PipelineFreshness {
  lastRunId: string | null;
  lastRunAt: string | null;
  lastRunFinishedAt: string | null;
}

export async function lastRun(scope: Pick<QueryScope, 'db' | 'state'>): Promise<PipelineFreshness> {
  const [row] = await scope.db.rows<{ run_id: string; started_at: string; finished_at: string }>(
    `SELECT run_id, strftime(min(started_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
            strftime(max(started_at + to_milliseconds(duration_ms)), '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at
     FROM ${scope.state.views.pipeline_runs} GROUP BY run_id ORDER BY min(started_at) DESC LIMIT 1`,
  );
  return { lastRunId: row?.run_id ?? null, lastRunAt: row?.started_at ?? null, lastRunFinishedAt: row?.finished_at ?? null };
}

/** Hours of the last day that have events (a partial last day shows fewer than 24). */
export async function lastDayHours(scope: Pick<QueryScope, 'db' | 'state' | 'meta'>): Promise<{ hours: number; lastEventHour: number | null }> {
  const params: Params = { d: scope.meta.maxDate };
  const [row] = await scope.db.rows<{ hours: number; last_hour: number | null }>(
    `SELECT count(DISTINCT hour) AS hours, max(hour) AS last_hour FROM ${scope.state.views.hourly_activity} WHERE event_date = CAST($d AS DATE)`,
    params,
  );
  return { hours: row?.hours ?? 0, lastEventHour: row?.last_hour ?? null };
}

export function searchBrands(meta: LakeMeta, query: string, limit: number): Array<{ brand: string; revenue: number; rank: number }> {
  const q = query.trim().toLowerCase();
  const out: Array<{ brand: string; revenue: number; rank: number }> = [];
  for (let i = 0; i < meta.brands.length && out.length < limit; i++) {
    const b = meta.brands[i];
    if (b.brand.includes(q)) out.push({ brand: b.brand, revenue: b.revenue, rank: i + 1 });
  }
  return out;
}
