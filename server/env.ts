/**
 * Server configuration from the environment, validated with zod on first use so bad config fails
 * loudly with the variable's name. Lake and landing locations reuse the pipeline's schema
 * (pipeline/config.ts); the rest tunes the API process.
 */
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadEnv } from '../pipeline/config';

const serverSchema = z.object({
  /** DuckDB memory limit for the API process (the RSS budget is 2 GiB at full scale). */
  CLICKLAKE_API_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must look like 1GB or 512MiB')
    .default('1GB'),
  CLICKLAKE_API_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** Connections in the DuckDB pool: how many queries run at once. */
  CLICKLAKE_API_CONNECTIONS: z.coerce.number().int().min(1).max(32).default(4),
  /** How often the latest gold versions are checked (a `_delta_log` listing per table). */
  CLICKLAKE_API_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  /** Result cache entries; 0 disables the cache (benchmarks). */
  CLICKLAKE_API_CACHE_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  /** Tables served from Parquet (server/lake/serving.ts) with up to this many rows are copied into memory too. */
  CLICKLAKE_API_MATERIALIZE_ROWS: z.coerce.number().int().min(0).default(2_000_000),
  /** `json`: one structured line per request on stdout; `off`: none. */
  CLICKLAKE_API_LOG: z.enum(['json', 'off']).default('json'),
  /** `off`: publish new gold states without running the pages' queries over them first. */
  CLICKLAKE_API_WARM: z.enum(['on', 'off']).default('on'),
  /** `off`: pages carry no server-drawn chart frames; charts appear when the browser has drawn them. */
  CLICKLAKE_CHART_FRAMES: z.enum(['on', 'off']).default('on'),
});

export interface ServerEnv {
  lakeDir: string;
  memoryLimit: string;
  threads: number | undefined;
  connections: number;
  pollMs: number;
  cacheEntries: number;
  materializeRows: number;
  log: 'json' | 'off';
  /** Run the pages' default queries over each new state before publishing it (GoldService.warm). */
  warm: boolean;
  /** Draw each chart on the server into the HTML (components/charts/server-svg.ts). */
  chartFrames: boolean;
}

export function loadServerEnv(source: NodeJS.ProcessEnv = process.env): ServerEnv {
  const base = loadEnv(source);
  const parsed = serverSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid environment: ${issue.path.join('.')} ${issue.message}`);
  }
  const s = parsed.data;
  return {
    lakeDir: path.resolve(base.CLICKLAKE_LAKE),
    memoryLimit: s.CLICKLAKE_API_MEMORY_LIMIT,
    threads: s.CLICKLAKE_API_THREADS,
    connections: s.CLICKLAKE_API_CONNECTIONS,
    pollMs: s.CLICKLAKE_API_POLL_MS,
    cacheEntries: s.CLICKLAKE_API_CACHE_ENTRIES,
    materializeRows: s.CLICKLAKE_API_MATERIALIZE_ROWS,
    log: s.CLICKLAKE_API_LOG,
    warm: s.CLICKLAKE_API_WARM === 'on',
    chartFrames: s.CLICKLAKE_CHART_FRAMES === 'on',
  };
}
