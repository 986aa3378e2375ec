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
// COPY returns the number of rows it wrote. The conversion anyone would write first: DuckDB's own
// type detection (timestamps as TIMESTAMP, prices as DOUBLE), default Parquet settings. Typing
// event_time as TIMESTAMPTZ here would slow the yardstick 3× (per-row ICU time-zone parsing) and
// flatter the ratio.
const [{ Count: rows }] = await queryRows<{ Count: number }>(conn, `COPY (SELECT * FROM read_csv([${list}], ignore_errors = true)) TO ${sqlString(out)} (FORMAT parquet)`);
const ms = performance.now() - started;
rmSync(out, { force: true });
const usage = process.resourceUsage();
process.stdout.write(`${JSON.stringify({ ms, rows, maxRssBytes: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`);
