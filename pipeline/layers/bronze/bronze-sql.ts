/**
 * SQL for bronze: each physical line of a landing file (or piece of one) becomes either a bronze.events
 * row (a CSV row of exactly 9 fields, kept as text exactly as it arrived) or a bronze.rejects row.
 *
 * Lines are read whole (the delimiter is a byte absent from the file, quoting off) so that a broken
 * quote can never swallow the lines after it and every line keeps its exact number. Most lines have
 * no quote at all and are split on commas; lines with a quote go through an RFC 4180 field pattern.
 *
 * Grain of bronze.events: one row per accepted source line. Grain of bronze.rejects: one row per
 * rejected source line, reason `malformed_row` plus a human-readable detail. Rows keep line order
 * (the staged table is built in line order and DuckDB preserves insertion order), with no sort.
 */
import { sqlString } from '../../db';
import { SOURCE_COLUMNS } from './landing';

/** One CSV field: quoted (doubled quotes inside) or a run of characters without comma or quote. */
const FIELD = `("([^"]|"")*"|[^,"]*)`;
const ROW_PATTERN = `${FIELD}(,${FIELD}){8}`;

export interface PieceSource {
  path: string;
  delimiter: number;
}

/** Table function reading every physical line of a file as `raw` (NULL for an empty line). */
export function linesSource({ path, delimiter }: PieceSource): string {
  const delim = `\\x${delimiter.toString(16).padStart(2, '0')}`;
  return `read_csv(${sqlString(path)}, columns = {'raw': 'VARCHAR'}, header = false, delim = E'${delim}', quote = '', escape = '', new_line = '\\r\\n', auto_detect = false, strict_mode = false, null_padding = false, max_line_size = 10000000)`;
}

/**
 * Materialises one piece as `(line, raw, fields)` into a temp table: `fields` is the list of unquoted
 * field texts, or NULL when the line is not a 9-field CSV row. Parameter: $first_line.
 */
export function stagePieceSql(table: string, source: PieceSource): string {
  return `
CREATE OR REPLACE TEMP TABLE ${table} AS
WITH lines AS (
  SELECT row_number() OVER () + $first_line - 1 AS line, raw
  FROM ${linesSource(source)}
),
split AS (
  SELECT line, raw,
    CASE
      WHEN raw IS NULL THEN NULL
      WHEN NOT contains(raw, '"') THEN string_split(raw, ',')
      WHEN regexp_full_match(raw, '${ROW_PATTERN}') THEN list_transform(
        regexp_extract_all(',' || raw, ',${FIELD}', 1),
        f -> CASE WHEN starts_with(f, '"') THEN replace(f[2:-2], '""', '"') ELSE f END)
      ELSE NULL
    END AS fields
  FROM lines
  WHERE line > 1 -- line 1 is the header, checked when the file was staged
)
-- The raw text is kept only for rejected lines: accepted ones are stored as their fields.
SELECT line, CASE WHEN len(fields) = 9 THEN NULL ELSE coalesce(raw, '') END AS raw, CASE WHEN len(fields) = 9 THEN fields END AS fields FROM split`;
}

/** bronze.events rows of a staged piece. Parameters: $source_file, $batch_id, $ingested_at. */
export function bronzeEventsSql(table: string): string {
  return `
SELECT
  fields[1] AS event_time, fields[2] AS event_type, fields[3] AS product_id,
  fields[4] AS category_id, fields[5] AS category_code, fields[6] AS brand,
  fields[7] AS price, fields[8] AS user_id, fields[9] AS user_session,
  $source_file::VARCHAR AS _source_file,
  line::BIGINT AS _source_line,
  $batch_id::VARCHAR AS _batch_id,
  $ingested_at::TIMESTAMPTZ AS _ingested_at
FROM ${table}
WHERE fields IS NOT NULL`;
}

/** bronze.rejects rows of a staged piece. Same parameters. */
export function bronzeRejectsSql(table: string): string {
  return `
SELECT
  coalesce(raw, '') AS raw,
  $source_file::VARCHAR AS _source_file,
  line::BIGINT AS _source_line,
  'malformed_row' AS reason,
  CASE
    WHEN trim(raw) = '' THEN 'empty line'
    WHEN contains(raw, '"') AND NOT regexp_full_match(raw, '${ROW_PATTERN}') THEN 'unbalanced or misplaced quotes'
    ELSE 'expected 9 fields, found ' || len(regexp_extract_all(',' || raw, ',${FIELD}', 1))
  END AS detail,
  $batch_id::VARCHAR AS _batch_id,
  $ingested_at::TIMESTAMPTZ AS _ingested_at
FROM ${table}
WHERE fields IS NULL`;
}

/** Per source column, how many accepted rows have it empty after trimming whitespace. */
export function emptyFieldsSql(table: string): string {
  const columns = SOURCE_COLUMNS.map((name, i) => `count(*) FILTER (WHERE trim(fields[${i + 1}], E' \\t') = '') AS ${name}`);
  return `SELECT ${columns.join(', ')} FROM ${table} WHERE fields IS NOT NULL`;
}
