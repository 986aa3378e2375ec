/**
 * Configuration from the environment, validated with zod at start-up so bad config fails loudly
 * with the variable's name instead of surfacing later as a missing file.
 */
import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  CLICKLAKE_LANDING: z.string().min(1).default('data/landing'),
  CLICKLAKE_LAKE: z.string().min(1).default('data/lake'),
  /** HMAC key for user pseudonyms in gold; when unset a random key is created under data/. */
  CLICKLAKE_PSEUDONYM_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * DuckDB memory limit for pipeline work, e.g. `6GB`. 5 GB keeps the whole process (DuckDB's
   * allocations outside its buffer pool, Node) under the 6 GiB budget: at 6GB a full month peaked at
   * 6.9 GB RSS.
   */
  CLICKLAKE_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must look like 6GB or 512MiB')
    .default('5GB'),
  CLICKLAKE_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /**
   * New bronze bytes up to which silver stages a batch in memory rather than in Parquet files
   * (256 MiB of bronze Parquet is about 5 M rows, ~1 GiB typed in DuckDB).
   */
  CLICKLAKE_SILVER_STAGE_MEMORY_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(256 * 2 ** 20),
});

export type ClickLakeEnv = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

let cached: ClickLakeEnv | undefined;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): ClickLakeEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid environment: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

export function env(): ClickLakeEnv {
  cached ??= loadEnv();
  return cached;
}

export function resolveLandingDir(override?: string): string {
  return path.resolve(override ?? env().CLICKLAKE_LANDING);
}

export function resolveLakeDir(override?: string): string {
  return path.resolve(override ?? env().CLICKLAKE_LAKE);
}
