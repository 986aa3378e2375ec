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
const [{ Count: rows }] = await queryRows<{ Count: number }>(conn, `COPY (SELECT * FROM read_csv([${list}], header = true)) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd)`);
const ms = performance.now() - started;
rmSync(out, { force: true });
process.stdout.write(`${JSON.stringify({ ms, rows, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
