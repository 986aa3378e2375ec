import { describe, expect, it } from 'vitest';
import { queryRows } from '../db';
import { duckdbForFile } from '../testing/duckdb';
import { utcDateSql, utcHourSql } from './utc-sql';

const db = duckdbForFile();

describe('UTC hour and date by arithmetic', () => {
  it('equal DuckDB’s hour() and date cast in UTC, around midnight, before 1970 and for NULL', async () => {
    const instants = [
      "'2019-10-01 00:00:00+00'",
      "'2019-10-01 00:00:00.000001+00'",
      "'2019-10-31 23:59:59.999999+00'",
      "'2019-11-01 12:34:56+00'",
      "'1970-01-01 00:00:00+00'",
      "'1969-12-31 23:59:59.999999+00'",
      "'1900-03-01 05:00:00+00'",
      "'2262-04-11 23:47:16+00'",
    ];
    const rows = await queryRows<{ hour: number; expected_hour: number; date: string; expected_date: string }>(
      db(),
      `SELECT ${utcHourSql('t')} AS hour, CAST(hour(t) AS INTEGER) AS expected_hour,
              CAST(${utcDateSql('t')} AS VARCHAR) AS date, CAST(CAST(t AS DATE) AS VARCHAR) AS expected_date
       FROM (SELECT CAST(unnest([${instants.join(', ')}]) AS TIMESTAMPTZ) AS t)`,
    );
    expect(rows).toHaveLength(instants.length);
    for (const row of rows) expect([row.hour, row.date]).toEqual([row.expected_hour, row.expected_date]);
    // A million random instants over ±200 years.
    const [{ n }] = await queryRows<{ n: number }>(
      db(),
      `SELECT count(*) AS n FROM (SELECT make_timestamptz(CAST((random() - 0.5) * 1.26e16 AS BIGINT)) AS t FROM range(1000000))
       WHERE ${utcHourSql('t')} <> hour(t) OR ${utcDateSql('t')} <> CAST(t AS DATE)`,
    );
    expect(n).toBe(0);
    const [nulls] = await queryRows<{ hour: number | null; date: string | null }>(db(), `SELECT ${utcHourSql('NULL::TIMESTAMPTZ')} AS hour, ${utcDateSql('NULL::TIMESTAMPTZ')} AS date`);
    expect(nulls).toEqual({ hour: null, date: null });
  });
});
