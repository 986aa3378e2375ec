/** Helpers for the incremental gold tests: hand-made landing files and how tables were last written. */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../db';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { PERIOD_MODEL_NAMES } from '../../testing/gold-equality';
import { TABLES, tableDir } from '../tables';
import { goldDir } from './gold';

/**
 * Writes landing file `name` from `rows`, a query over `e` (the lake's silver.events) with the nine
 * source columns (event_time a TIMESTAMPTZ), in the source format.
 */
export async function landEvents(conn: DuckDBConnection, lakeDir: string, landingDir: string, name: string, rows: string): Promise<void> {
  const events = await (await DeltaTable.open(tableDir(lakeDir, TABLES.silverEvents))).snapshot();
  await conn.run(`CREATE OR REPLACE TEMP VIEW e AS ${scanSql(events).sql}`);
  await conn.run(`COPY (
    SELECT strftime(event_time, '%Y-%m-%d %H:%M:%S UTC') AS event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session
    FROM (${rows})) TO ${sqlString(path.join(landingDir, name))} (HEADER true)`);
}

/** How each period table was last written: merge, advance or rebuild. */
export async function periodModes(lakeDir: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of PERIOD_MODEL_NAMES) out[name] = (await DeltaTable.open(goldDir(lakeDir, name))).history({ limit: 1 })[0].operationParameters.period;
  return out;
}

/** Every period table with the same mode, plus exceptions. */
export function modes(mode: string, except: Record<string, string> = {}): Record<string, string> {
  return { ...Object.fromEntries(PERIOD_MODEL_NAMES.map((name) => [name, mode])), ...except };
}
