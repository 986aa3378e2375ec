/**
 * SQL for silver: the cleaning rules, normalisation and deduplication of DESIGN section 2 (contract).
 *
 * `typedBatchSql` turns bronze rows into one row per source row with every rule evaluated: typed,
 * normalised columns plus `reasons` (all failing rule codes, in the contract's order, so reasons[1] is
 * the primary reason). Valid rows go on to deduplication; the rest to silver.quarantine.
 *
 * Grain of silver.events: one row per distinct event (equal on all nine normalised source columns).
 */
import { SOURCE_COLUMNS } from '../bronze/landing';

/**
 * Trimmed field ('' for NULL). A value whose first and last characters are above ASCII 32 has nothing
 * to trim (spaces, tabs and line breaks are all ≤ 32) and is returned as it is; only the rest pay for
 * trim().
 */
const trimmed = (column: string) =>
  `CASE WHEN ascii(${column}) > 32 AND ascii(${column}[-1]) > 32 THEN ${column} ELSE coalesce(trim(${column}, E' \\t\\r\\n'), '') END`;

/**
 * Format checks are anchored regular expressions (RE2, fast in DuckDB): a cast alone would accept
 * `1e3`, `1_000` or `+5`, which the contract does not. Decimals are cast straight to DECIMAL(12,2),
 * which rounds half away from zero to cents (a wider intermediate decimal is 100× slower).
 */
const INTEGER = `'[0-9]+'`;
const DECIMAL = `'[0-9]+(\\.[0-9]+)?'`;
const PLAIN_TIME = `'[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}( UTC)?'`;
/** ISO-8601 with `T` and a zone (`Z` or an offset), converted to UTC. */
const ISO_TIME = `'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)'`;

export const EVENT_TYPES = ['view', 'cart', 'remove_from_cart', 'purchase'] as const;
const EVENT_TYPE_LIST = EVENT_TYPES.map((t) => `'${t}'`).join(', ');

/**
 * A typed column: the raw text when it already has the format (the common case: no trimming, one
 * match), else the trimmed text when that has it, cast by `cast`; NULL otherwise. CASE evaluates a
 * branch only for the rows the earlier ones left, so clean rows never reach trim().
 */
function typedColumn(column: string, format: string, cast: (x: string) => string): string {
  return `CASE WHEN regexp_full_match(${column}, ${format}) THEN ${cast(column)}
    WHEN regexp_full_match(${trimmed(column)}, ${format}) THEN ${cast(trimmed(column))} END`;
}

/**
 * Typed batch from a bronze relation `source` (a table expression with bronze.events columns).
 * Output columns: the nine typed columns, `reasons`, lineage (`_source_file`, `_source_line`,
 * `_batch_id`) and `src`: the nine source texts of a failing row (SOURCE_COLUMNS order), NULL for valid rows.
 *
 * Every typed column is one flat expression over the source column: an earlier form that first
 * projected the nine trimmed texts and typed them in a second step cost twice as much per row.
 */
export function typedBatchSql(source: string): string {
  const bigint = (x: string) => `try_cast(${x} AS BIGINT)`;
  const eventTime = trimmed('event_time');
  const eventType = `lower(${trimmed('event_type')})`;
  const invalidCategory = `(NOT no_category_id AND (category_id IS NULL OR category_id <= 0))`;
  return `
WITH typed AS (
  SELECT
    _source_file, _source_line, _batch_id,
    ${SOURCE_COLUMNS.map((c) => `${c} AS src_${c}`).join(', ')},
    CASE WHEN regexp_full_match(event_time, ${PLAIN_TIME}) THEN try_cast(event_time[1:19] AS TIMESTAMP)
      WHEN regexp_full_match(${eventTime}, ${PLAIN_TIME}) THEN try_cast((${eventTime})[1:19] AS TIMESTAMP)
      WHEN regexp_full_match(${eventTime}, ${ISO_TIME}) THEN timezone('UTC', try_cast(${eventTime} AS TIMESTAMPTZ)) END AS event_time,
    CASE WHEN event_type IN (${EVENT_TYPE_LIST}) THEN event_type WHEN ${eventType} IN (${EVENT_TYPE_LIST}) THEN ${eventType} END AS event_type,
    ${typedColumn('product_id', INTEGER, bigint)} AS product_id,
    ${typedColumn('category_id', INTEGER, bigint)} AS category_id,
    ${trimmed('category_id')} = '' AS no_category_id,
    nullif(lower(${trimmed('category_code')}), '') AS category_code,
    nullif(lower(${trimmed('brand')}), '') AS brand,
    ${typedColumn('price', DECIMAL, (x) => `try_cast(${x} AS DECIMAL(12, 2))`)} AS price,
    ${typedColumn('user_id', INTEGER, bigint)} AS user_id,
    nullif(${trimmed('user_session')}, '') AS user_session
  FROM ${source}
),
flagged AS (
  SELECT *,
    event_time IS NULL OR event_type IS NULL OR product_id IS NULL OR product_id <= 0 OR user_id IS NULL OR user_id <= 0
      OR price IS NULL OR user_session IS NULL OR ${invalidCategory} AS is_invalid
  FROM typed
)
SELECT
  event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session,
  -- All failing rule codes in the contract's order (reasons[1] is the primary one).
  CASE WHEN NOT is_invalid THEN []::VARCHAR[] ELSE list_filter([
    CASE WHEN event_time IS NULL THEN 'invalid_event_time' END,
    CASE WHEN event_type IS NULL THEN 'invalid_event_type' END,
    CASE WHEN product_id IS NULL OR product_id <= 0 THEN 'invalid_product_id' END,
    CASE WHEN user_id IS NULL OR user_id <= 0 THEN 'invalid_user_id' END,
    CASE WHEN price IS NULL THEN 'invalid_price' END,
    CASE WHEN user_session IS NULL THEN 'missing_session' END,
    CASE WHEN ${invalidCategory} THEN 'invalid_category_id' END
  ], r -> r IS NOT NULL) END AS reasons,
  _source_file, _source_line, _batch_id,
  -- Source texts are only needed for quarantined rows: one list column, NULL for valid rows (nine
  -- NULL text columns cost a third more to stage).
  CASE WHEN is_invalid THEN [${SOURCE_COLUMNS.map((c) => `src_${c}`).join(', ')}] END AS src
FROM flagged`;
}

/**
 * Rows of `batch` (typed, valid only) that are the first occurrence of their event, within the batch
 * and against `existing` (silver.events rows of the same event_dates; an exact duplicate always has
 * the same event_time, hence the same date). The first occurrence is the lowest (_source_file,
 * _source_line). Cheap path: rows whose 64-bit hash is unique in the batch are unique events; only
 * hash-collision candidates are compared on all nine columns. `batch` must be a re-readable relation
 * (a table, a view or a file scan), not a one-shot stream.
 */
export function dedupSql(batch: string, existing: string | undefined): string {
  const key = 'event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session';
  const equal = key
    .split(', ')
    .map((column) => `e.${column} IS NOT DISTINCT FROM b.${column}`)
    .join(' AND ');
  // The batch is scanned three times (a narrow hash pass, then unique rows, then the few candidates)
  // rather than materialised once: a materialised wide CTE costs more than re-reading Parquet.
  return `
WITH repeated AS (
  SELECT hash(${key}) AS _h FROM ${batch} GROUP BY 1 HAVING count(*) > 1
),
firsts AS (
  SELECT * FROM ${batch} WHERE hash(${key}) NOT IN (SELECT _h FROM repeated)
  UNION ALL
  SELECT * EXCLUDE (_occurrence) FROM (
    SELECT *, row_number() OVER (PARTITION BY ${key} ORDER BY _source_file, _source_line) AS _occurrence
    FROM ${batch} WHERE hash(${key}) IN (SELECT _h FROM repeated)
  ) WHERE _occurrence = 1
)
SELECT * FROM firsts b${
    existing
      ? `
WHERE NOT EXISTS (SELECT 1 FROM ${existing} e WHERE ${equal})`
      : ''
  }`;
}

/**
 * The typed batch with its staging partition: `q` for rows that go to quarantine, else the event's
 * UTC date. Written once, partitioned, so each date is then deduplicated and sorted on its own.
 */
export function stagedBatchSql(source: string): string {
  return `
SELECT *, CASE WHEN len(reasons) > 0 THEN 'q' ELSE CAST(CAST(event_time AS DATE) AS VARCHAR) END AS _part
FROM (${typedBatchSql(source)})`;
}

/** silver.events columns from a deduplicated valid batch (adds derived columns). */
export function silverEventsSql(deduped: string, ordered = true): string {
  return `
SELECT
  -- TIMESTAMPTZ is Delta's \`timestamp\` (a UTC instant); a naive TIMESTAMP would be timestamp_ntz.
  -- From epoch microseconds: the same instant, without a time-zone cast per row.
  make_timestamptz(epoch_us(event_time)) AS event_time,
  event_type,
  product_id,
  category_id,
  category_code,
  CASE WHEN category_code IS NULL THEN 'unknown' ELSE split_part(category_code, '.', 1) END AS category_l1,
  nullif(split_part(category_code, '.', 2), '') AS category_l2,
  nullif(split_part(category_code, '.', 3), '') AS category_l3,
  brand,
  price,
  user_id,
  user_session,
  _source_file,
  _source_line,
  _batch_id,
  CAST(event_time AS DATE) AS event_date
FROM ${deduped}${ordered ? '\nORDER BY user_session, event_time' : ''}`;
}

/**
 * silver.quarantine rows: every row that failed a rule, with its source text as it arrived, all
 * reasons (reasons[1] is the primary one) and lineage. Grain: one row per failing bronze row.
 */
export function quarantineSql(batch: string): string {
  return `
SELECT
  ${SOURCE_COLUMNS.map((c, i) => `src[${i + 1}] AS ${c}`).join(', ')},
  reasons,
  reasons[1] AS primary_reason,
  _source_file, _source_line, _batch_id,
  $run_id::VARCHAR AS _run_id,
  $quarantined_at::TIMESTAMPTZ AS _quarantined_at
FROM ${batch}
WHERE len(reasons) > 0
ORDER BY _source_file, _source_line`;
}
