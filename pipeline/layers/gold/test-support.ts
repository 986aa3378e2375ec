/** Helpers for the incremental gold tests: a lake to append to, hand-made landing files, how tables were last written. */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import { openDuckDB, sqlString } from '../../db';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { runPipeline } from '../../run';
import { fullRebuildCopy, goldDifferences, PERIOD_MODEL_NAMES } from '../../testing/gold-equality';
import { generateLanding } from '../../testing/test-lake';
import { TABLES, tableDir } from '../tables';
import { goldDir } from './gold';
import { PERIOD_MODELS } from './models/period';

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

/** How each additive period table's last merge wrote: 'append' (the change) or 'overwrite' (compacted). */
export async function additiveWrites(lakeDir: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const model of PERIOD_MODELS.filter((m) => m.merge?.kind === 'additive')) {
    out[model.name] = (await DeltaTable.open(goldDir(lakeDir, model.name))).history({ limit: 1 })[0].operationParameters.write;
  }
  return out;
}

/** Every period table with the same mode, plus exceptions. */
export function modes(mode: string, except: Record<string, string> = {}): Record<string, string> {
  return { ...Object.fromEntries(PERIOD_MODEL_NAMES.map((name) => [name, mode])), ...except };
}

/** A lake built from the first `initialDays` of generated days; the rest wait to be landed. */
export interface IncrementalLake {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  days: string[];
  landingDir: string;
  lakeDir: string;
  /** Copies generated day `day` into landing. */
  landDay(day: string, name?: string): void;
  /** Every gold table equals a full rebuild from the same silver tables. */
  expectEqualToFullRebuild(): Promise<void>;
}

export async function incrementalLake(options: { prefix: string; events: number; seed: number; dirtyRate: number; days: number; initialDays: number }): Promise<IncrementalLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), options.prefix));
  const generated = path.join(root, 'generated');
  const landingDir = path.join(root, 'landing');
  const lakeDir = path.join(root, 'lake');
  const days = Array.from({ length: options.days }, (_, i) => new Date(Date.UTC(2019, 9, 1 + i)).toISOString().slice(0, 10));
  const instance = await openDuckDB({ memoryLimit: '2GB', threads: 2 });
  const conn = await instance.connect();
  generateLanding(generated, { events: options.events, seed: options.seed, dirtyRate: options.dirtyRate, days: options.days });
  mkdirSync(landingDir);
  const landDay = (day: string, name = `${day}.csv`) => copyFileSync(path.join(generated, `${day}.csv`), path.join(landingDir, name));
  for (const day of days.slice(0, options.initialDays)) landDay(day);
  await runPipeline({ landingDir, lakeDir, instance });
  return {
    instance,
    conn,
    days,
    landingDir,
    lakeDir,
    landDay,
    async expectEqualToFullRebuild() {
      const copy = await fullRebuildCopy(instance, lakeDir);
      const differences = await goldDifferences(conn, lakeDir, copy);
      expect(differences).toEqual(Object.fromEntries(Object.keys(differences).map((name) => [name, 0])));
    },
  };
}
