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

/** A clean piece (no quote, CR, blank line or NUL): one CSV row per physical line. */
export interface CleanPieceSource {
  path: string;
  /** Line number of the piece's first line. */
  firstLine: number;
  hasHeader: boolean;
  /** A range of the file's lines: those before firstLine are skipped, and reading stops after lastLine (when set). */
  range?: boolean;
  lastLine?: number;
}

/**
 * bronze.events rows of a clean piece, read by DuckDB's CSV reader (all text, quoting off, strict:
 * a line that is not 9 fields fails the read, and the file then takes the numbered path). Rows come
 * in file order and each physical line is one row, so the line number is the row's position — a
 * streaming row_number() (one thread per piece; pieces and files run side by side). Empty fields
 * stay empty strings, as the numbered path keeps them. Parameters as bronzeEventsSql plus $after:
 * only lines after it (a resumed file).
 */
export function cleanEventsSql(piece: CleanPieceSource): string {
  const offset = piece.firstLine - 1 + (piece.hasHeader ? 1 : 0);
  // A range skips the lines before it (DuckDB still finds their ends, ~10× cheaper than parsing
  // them) and stops reading at its last line: the limit applies before the resume filter.
  const skip = piece.range && piece.firstLine > 1 ? `, skip = ${piece.firstLine - 1}` : '';
  const limit = piece.range && piece.lastLine !== undefined ? `LIMIT ${piece.lastLine - offset}` : '';
  const columns = `{${SOURCE_COLUMNS.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  return `
SELECT * FROM (
  SELECT
    ${SOURCE_COLUMNS.map((c) => `coalesce(${c}, '') AS ${c}`).join(', ')},
    $source_file::VARCHAR AS _source_file,
    CAST(row_number() OVER () + ${offset} AS BIGINT) AS _source_line,
    $batch_id::VARCHAR AS _batch_id,
    $ingested_at::TIMESTAMPTZ AS _ingested_at
  FROM read_csv(${sqlString(piece.path)}, header = ${piece.hasHeader}, auto_detect = false, columns = ${columns}, delim = ',', quote = '', escape = '', new_line = '\\n', strict_mode = true, null_padding = false${skip})
  ${limit}
)
WHERE _source_line > $after`;
}

/**
 * Table function over a numbered piece: `line` (the source line number, written by staging before
 * the delimiter) and `raw` (the line as it arrived; NULL when empty). No quoting, no window: DuckDB
 * reads it with all threads.
 */
export function linesSource({ path, delimiter }: PieceSource): string {
  const delim = `\\x${delimiter.toString(16).padStart(2, '0')}`;
  // Every staged line has exactly one delimiter, so no null padding (which would also make DuckDB read serially).
  return `read_csv(${sqlString(path)}, columns = {'line': 'BIGINT', 'raw': 'VARCHAR'}, header = false, delim = E'${delim}', quote = '', escape = '', new_line = '\\r\\n', auto_detect = false, strict_mode = false, max_line_size = 10000000)`;
}

/**
 * `(line, raw, fields)` of a piece: `fields` is the list of unquoted field texts, or NULL when the
 * line is not a 9-field CSV row. Line 1 (the header, checked when the file was staged) is skipped.
 */
export function pieceLinesSql(source: PieceSource): string {
  return `(
  SELECT line, raw,
    CASE
      WHEN parts IS NOT NULL THEN CASE WHEN len(parts) = 9 THEN parts END
      WHEN raw IS NOT NULL AND regexp_full_match(raw, '${ROW_PATTERN}') THEN list_transform(
        regexp_extract_all(',' || raw, ',${FIELD}', 1),
        f -> CASE WHEN starts_with(f, '"') THEN replace(f[2:-2], '""', '"') ELSE f END)
    END AS fields
  FROM (
    SELECT line, raw, CASE WHEN raw IS NOT NULL AND NOT contains(raw, '"') THEN string_split(raw, ',') END AS parts
    FROM ${linesSource(source)}
    WHERE line > greatest(1, $after)
  )
)`;
}

/** bronze.events rows of a piece (`pieceLinesSql`). Parameters: $source_file, $batch_id, $ingested_at, $after (lines up to it are skipped). */
export function bronzeEventsSql(lines: string): string {
  return `
SELECT
  fields[1] AS event_time, fields[2] AS event_type, fields[3] AS product_id,
  fields[4] AS category_id, fields[5] AS category_code, fields[6] AS brand,
  fields[7] AS price, fields[8] AS user_id, fields[9] AS user_session,
  $source_file::VARCHAR AS _source_file,
  line::BIGINT AS _source_line,
  $batch_id::VARCHAR AS _batch_id,
  $ingested_at::TIMESTAMPTZ AS _ingested_at
FROM ${lines} AS l
WHERE fields IS NOT NULL`;
}

/** bronze.rejects rows of a piece (`pieceLinesSql`). Same parameters. */
export function bronzeRejectsSql(lines: string): string {
  return `
SELECT
  coalesce(raw, '') AS raw,
  $source_file::VARCHAR AS _source_file,
  line::BIGINT AS _source_line,
  'malformed_row' AS reason,
  CASE
    WHEN trim(coalesce(raw, '')) = '' THEN 'empty line'
    WHEN contains(raw, '"') AND NOT regexp_full_match(raw, '${ROW_PATTERN}') THEN 'unbalanced or misplaced quotes'
    ELSE 'expected 9 fields, found ' || len(regexp_extract_all(',' || raw, ',${FIELD}', 1))
  END AS detail,
  $batch_id::VARCHAR AS _batch_id,
  $ingested_at::TIMESTAMPTZ AS _ingested_at
FROM ${lines} AS l
WHERE fields IS NULL`;
}
