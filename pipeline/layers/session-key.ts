/**
 * The session key: silver.sessions stores it (a narrow column to find stored sessions by, instead of
 * their 36-character ids) and gold uses it as the session pseudonym.
 */

/**
 * 63-bit session key: stable across DuckDB versions (MD5), compact for distinct counts. It is the low
 * 64 bits of md5_number — the same value as md5_number_upper, which DuckDB computes four times more
 * slowly (1.6 s against 0.4 s for 5.9 M sessions here; session-key.test.ts holds the two equal).
 */
export function sessionKeySql(expression: string): string {
  return `CAST(CAST(md5_number(${expression}) & ${LOW_64_BITS} AS UBIGINT) >> 1 AS BIGINT)`;
}

const LOW_64_BITS = '18446744073709551615::UHUGEINT';
