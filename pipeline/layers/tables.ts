/**
 * Where every table of the lake lives (DESIGN section 1: `<lake>/<layer>/<table>`) and the schemas of
 * the tables whose shape is a contract rather than the result of a SQL model.
 */
import path from 'node:path';
import type { StructType } from '../delta/schema';

export const TABLES = {
  bronzeEvents: 'bronze/events',
  bronzeRejects: 'bronze/rejects',
  silverEvents: 'silver/events',
  silverQuarantine: 'silver/quarantine',
  silverSessions: 'silver/sessions',
  silverProducts: 'silver/products',
  pipelineRuns: 'gold/pipeline_runs',
  dataQuality: 'gold/data_quality',
  benchmarks: 'gold/benchmarks',
} as const;

export function tableDir(lake: string, relative: string): string {
  return path.join(lake, relative);
}

const text = (name: string, nullable = true) => ({ name, type: 'string' as const, nullable, metadata: {} });
const long = (name: string, nullable = true) => ({ name, type: 'long' as const, nullable, metadata: {} });
const timestamp = (name: string, nullable = true) => ({ name, type: 'timestamp' as const, nullable, metadata: {} });

const SOURCE_TEXT_FIELDS = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session'].map((name) => text(name));

export const BRONZE_EVENTS_SCHEMA: StructType = {
  type: 'struct',
  fields: [...SOURCE_TEXT_FIELDS, text('_source_file', false), long('_source_line', false), text('_batch_id', false), timestamp('_ingested_at', false)],
};

export const BRONZE_REJECTS_SCHEMA: StructType = {
  type: 'struct',
  fields: [text('raw', false), text('_source_file', false), long('_source_line', false), text('reason', false), text('detail'), text('_batch_id', false), timestamp('_ingested_at', false)],
};
