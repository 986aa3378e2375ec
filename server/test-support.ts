/**
 * Test helpers: the shared test lake (generated data through the real pipeline), a service over it,
 * and independent section 3 SQL straight over silver.events for expectations.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DeltaTable, scanSql } from '../pipeline/delta';
import { buildTestLake } from '../pipeline/testing/test-lake';
import { GoldService, type ServiceOptions } from './service';

export const TEST_LAKE = { events: 50_000, seed: 7, dirtyRate: 0.01 };

export async function testLakeDir(): Promise<string> {
  return (await buildTestLake(TEST_LAKE)).lakeDir;
}

export function openService(lakeDir: string, options: Partial<ServiceOptions> = {}): Promise<GoldService> {
  return GoldService.create({ lakeDir, poll: false, log: 'off', connections: 2, ...options });
}

export interface SilverFilter {
  from: string;
  to: string;
  categories?: string[];
  brands?: string[];
}

/** A fresh DuckDB with `silver` = the latest silver.events snapshot of the lake. */
export class Silver {
  private constructor(readonly conn: DuckDBConnection) {}

  static async open(lakeDir: string): Promise<Silver> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    const snapshot = await (await DeltaTable.open(`${lakeDir}/silver/events`)).snapshot();
    await conn.run(`CREATE TABLE silver AS SELECT *, coalesce(brand, 'unknown') AS brand_label FROM (${scanSql(snapshot).sql})`);
    return new Silver(conn);
  }

  async rows<T>(sql: string, params: Record<string, string> = {}): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as T);
  }

  /** WHERE over silver for a filter; values bound. */
  where(f: SilverFilter, params: Record<string, string>): string {
    params.from = f.from;
    params.to = f.to;
    const parts = ['event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)'];
    if (f.categories?.length) parts.push(`category_l1 IN (${f.categories.map((c, i) => ((params[`c${i}`] = c), `$c${i}`)).join(', ')})`);
    if (f.brands?.length) parts.push(`brand_label IN (${f.brands.map((b, i) => ((params[`b${i}`] = b), `$b${i}`)).join(', ')})`);
    return `WHERE ${parts.join(' AND ')}`;
  }

  /** DESIGN section 3, computed straight from silver events. */
  async kpis(f: SilverFilter) {
    const params: Record<string, string> = {};
    const [r] = await this.rows<{
      views: number; carts: number; removals: number; purchases: number; revenue_cents: number;
      users: number; buyers: number; sessions: number; orders: number; cart_sessions: number; abandoned: number;
    }>(
      `WITH e AS (SELECT * FROM silver ${this.where(f, params)}),
       s AS (SELECT user_session, bool_or(event_type = 'cart') AS has_cart, bool_or(event_type = 'purchase') AS has_purchase FROM e GROUP BY user_session)
       SELECT
         count(*) FILTER (WHERE event_type = 'view') AS views,
         count(*) FILTER (WHERE event_type = 'cart') AS carts,
         count(*) FILTER (WHERE event_type = 'remove_from_cart') AS removals,
         count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
         CAST(coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) * 100 AS BIGINT) AS revenue_cents,
         count(DISTINCT user_id) AS users,
         count(DISTINCT user_id) FILTER (WHERE event_type = 'purchase') AS buyers,
         count(DISTINCT user_session) AS sessions,
         count(DISTINCT user_session) FILTER (WHERE event_type = 'purchase') AS orders,
         (SELECT count(*) FROM s WHERE has_cart) AS cart_sessions,
         (SELECT count(*) FROM s WHERE has_cart AND NOT has_purchase) AS abandoned
       FROM e`,
      params,
    );
    const revenue = r.revenue_cents / 100;
    const rate = (a: number, b: number, digits = 6) => (b ? Math.round((a / b) * 10 ** digits) / 10 ** digits : null);
    return {
      views: r.views,
      carts: r.carts,
      removals: r.removals,
      purchases: r.purchases,
      revenue,
      users: r.users,
      buyers: r.buyers,
      sessions: r.sessions,
      orders: r.orders,
      conversionRate: rate(r.orders, r.sessions),
      aov: rate(revenue, r.orders, 2),
      cartAbandonmentRate: rate(r.abandoned, r.cart_sessions),
      revenuePerUser: rate(revenue, r.users, 2),
    };
  }
}
