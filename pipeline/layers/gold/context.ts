/** What the gold stage hands each of its parts (daily-stage.ts, period-stage.ts). */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { WriteResult } from '../../delta/operations';
import type { GoldRelations } from './relations';

export interface GoldContext {
  conn: DuckDBConnection;
  relations: GoldRelations;
  /** Directory of gold table `name`. */
  tableDir: (name: string) => string;
  runId: string;
  log: (line: string) => void;
  /** Reports a commit to gold table `name` (run summary, failpoints). */
  track: (name: string, written: WriteResult) => void;
}
