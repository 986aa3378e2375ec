import { describe, expect, it } from 'vitest';
import { queryRows } from '../db';
import { duckdbForFile } from '../testing/duckdb';
import { sessionKeySql } from './session-key';

const db = duckdbForFile();

describe('session keys', () => {
  it('are the keys every lake already holds: md5_number_upper of the session, shifted to 63 bits', async () => {
    // Stored session_facts and period tables were keyed with md5_number_upper; a different value
    // here would split every session in an incremental merge.
    const [row] = await queryRows<{ n: number; differ: number; negative: number }>(
      db(),
      `SELECT count(*) AS n,
         count(*) FILTER (WHERE ${sessionKeySql('s')} <> CAST(md5_number_upper(s) >> 1 AS BIGINT)) AS differ,
         count(*) FILTER (WHERE ${sessionKeySql('s')} < 0) AS negative
       FROM (SELECT CAST(uuid() AS VARCHAR) AS s FROM range(200000)
             UNION ALL SELECT unnest(['', 'a', 'é', '4d3b30da-a5e4-49df-b1a8-ba5943f1dd33', repeat('x', 1000)]))`,
    );
    expect(row).toEqual({ n: 200_005, differ: 0, negative: 0 });
    const [known] = await queryRows<{ key: string }>(db(), `SELECT CAST(${sessionKeySql("'a'")} AS VARCHAR) AS key`);
    // MD5('a') = 0cc175b9c0f1b6a8…: its first 8 bytes read little-endian, halved.
    expect(known.key).toBe(String(BigInt('0xa8b6f1c0b975c10c') >> 1n));
  });
});
