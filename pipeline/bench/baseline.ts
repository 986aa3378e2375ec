/**
 * The yardstick: a bare DuckDB CSV → Parquet conversion of the same landing files, with the same
 * thread count and memory limit as the pipeline. Run as its own process by the benchmark so its peak
 * memory is measured apart. Prints one JSON line: {ms, rows, maxRssBytes}.
 */
import { rmSync } from 'node:fs';
import { openDuckDB, queryRows, sqlString } from '../db';

const [out, ...files] = process.argv.slice(2);
const instance = await openDuckDB();
const conn = await instance.connect();
const started = performance.now();
const list = files.map(sqlString).join(', ');
// COPY returns the number of rows it wrote.
// The source schema typed as DuckDB would read the real file; faulty rows are skipped, not fixed.
const columns = `{'event_time': 'TIMESTAMPTZ', 'event_type': 'VARCHAR', 'product_id': 'BIGINT', 'category_id': 'BIGINT', 'category_code': 'VARCHAR', 'brand': 'VARCHAR', 'price': 'DECIMAL(12,2)', 'user_id': 'BIGINT', 'user_session': 'VARCHAR'}`;
const [{ Count: rows }] = await queryRows<{ Count: number }>(
  conn,
  `COPY (SELECT * FROM read_csv([${list}], header = true, auto_detect = false, delim = ',', quote = '"', columns = ${columns}, ignore_errors = true)) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`,
);
const ms = performance.now() - started;
rmSync(out, { force: true });
process.stdout.write(`${JSON.stringify({ ms, rows, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
